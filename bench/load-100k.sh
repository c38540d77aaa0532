#!/usr/bin/env bash
# Load under faults (issue 7, item 6): for each size, TRIALS trials (TRIALS/2 cases x 2 candidates)
# against `evalgate mock-provider` at concurrency 256 with 25% injected faults: 429 with
# retry-after (0.05 s) and without (429_bare), 500, 529, timeouts (held 5 s, client timeout 2 s),
# connection resets and malformed bodies (each drawn in turn, so 1 - 0.955^4 x 0.975 x 0.945 x 0.98
# = 24.9% of requests get one); max_retries 6, so at most 7 attempts a trial.
# Then it checks the store: every trial is there once, every answered trial has its 4 scores,
# every failed trial has its failure kind and error text, no trial exceeds the attempt bound;
# and it prints wall, CPU and peak RSS per size, so memory can be compared across sizes.
# The candidates' answers are the mock's echo of the prompt (no per-case answer rules), so the
# mock's cost per request does not grow with the number of cases.
# usage: bench/load-100k.sh [EVALGATE=build-rel/evalgate] [SIZES="10000 100000"] [CONCURRENCY=256]
# exit: 0 when every check held at every size, 1 otherwise.
set -euo pipefail
evalgate=$(realpath "${1:-build-rel/evalgate}")
sizes=${2:-10000 100000} concurrency=${3:-256}
work=$(mktemp -d /tmp/evalgate-load.XXXXXX)
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
max_retries=6 bound=7 evaluators=4
ok=1
check() { # DESCRIPTION CONDITION_RESULT(0/1)
  if [ "$2" = 1 ]; then echo "  ok   $1"; else echo "  FAIL $1"; ok=0; fi
}

gen() { # DIR CASES
  local dir=$1 cases=$2
  mkdir -p "$dir"
  awk -v n="$cases" 'BEGIN {
    for (i = 1; i <= n; i++)
      printf "{\"id\":\"c%d%s\",\"n\":\"%d\",\"keyword\":\"K%d\"}\n", i, (i % 3 == 0 ? "-x" : ""), i, i
  }' > "$dir/cases.jsonl"
  echo '{"model": "bad", "contains": "-x]", "reply": "I am not sure."}' > "$dir/answers.jsonl"
  provider() {
    cat <<YAML
  - id: $1
    type: openai
    model: $1
    base_url: http://127.0.0.1:\${EVALGATE_MOCK_PORT}/v1
    max_retries: $max_retries
    retry_base_ms: 20
    timeout_ms: 2000
YAML
  }
  {
    cat <<YAML
name: load-$((2 * cases))
prompts:
  - id: p
    text: "Refund policy {{n}}: code {{keyword}} applies within 30 days. [{{id}}]"
providers:
YAML
    provider good
    provider bad
    cat <<YAML
datasets:
  - cases.jsonl
evaluators:
  - type: contains
    value: "{{keyword}}"
  - type: regex
    value: "within \\\\d+ days"
  - type: max-length
    value: 400
  - type: not-icontains
    value: "as an ai"
gate:
  - metric: contains
    min_pass_rate: 0.5
concurrency: $concurrency
YAML
  } > "$dir/evalgate.yaml"
}

declare -A rss_of
for trials in $sizes; do
  cases=$((trials / 2))
  dir="$work/load-$trials"
  gen "$dir" "$cases"
  "$evalgate" mock-provider --port 0 --answers "$dir/answers.jsonl" --retry-after 0.05 --timeout-hang-ms 5000 \
    --fault 429:0.045 --fault 429_bare:0.025 --fault 500:0.055 --fault 529:0.045 --fault timeout:0.02 \
    --fault reset:0.045 --fault malformed:0.045 --seed 7 > "$dir/mock.out" 2> "$dir/mock.err" &
  mock_pid=$!
  for _ in $(seq 1 200); do grep -q 'listening on' "$dir/mock.out" 2>/dev/null && break; sleep 0.05; done
  port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/mock.out")
  set +e
  (cd "$dir" && EVALGATE_MOCK_PORT=$port exec /usr/bin/time -f "%e %U %S %M" -o time.txt "$evalgate" run \
    evalgate.yaml --db run.db --no-progress > report.txt 2> err.txt)
  code=$?
  set -e
  stats=$(curl -s "http://127.0.0.1:$port/stats")
  stop_mock
  q() { sqlite3 "$dir/run.db" "$1"; }
  read -r wall user sys rss < <(tail -n 1 "$dir/time.txt")
  rss_of[$trials]=$rss
  requests=$(echo "$stats" | sed -n 's|.*"requests": *\([0-9]*\).*|\1|p')
  faults=$(echo "$stats" | sed -n 's|.*"faults":{\([^}]*\)}.*|\1|p' | tr -d '"')
  fault_total=$(echo "$faults" | tr ',' '\n' | awk -F: '{ s += $2 } END { print s + 0 }')
  stored=$(q 'select count(*) from trials')
  distinct=$(q 'select count(*) from (select distinct candidate_id, case_id, repeat_index from trials)')
  answered=$(q "select count(*) from trials where failure = 'none'")
  failed=$((stored - answered))
  short=$(q "select count(*) from trials t where failure = 'none' and
    (select count(*) from scores s where s.trial_id = t.id and s.error = '') != $evaluators")
  silent=$(q "select count(*) from trials where failure != 'none' and error = ''")
  over=$(q "select count(*) from trials where attempts > $bound or attempts < 1")
  attempts=$(q 'select sum(attempts) from trials')
  echo "== $trials trials ($cases cases x 2 candidates), concurrency $concurrency: exit $code, run status $(q 'select status from runs')"
  echo "  mock: $requests requests, $fault_total faults ($(echo "100 * $fault_total / $requests" | bc -l | xargs printf '%.1f')%): $faults"
  echo "  trials stored $stored ($distinct distinct), answered $answered, failed $failed: $(q "select group_concat(failure || '=' || c, ' ')
    from (select failure, count(*) c from trials where failure != 'none' group by failure)")"
  echo "  attempts: total $attempts, max $(q 'select max(attempts) from trials') (bound $bound); by count: $(q "select
    group_concat(attempts || 'x' || c, ' ') from (select attempts, count(*) c from trials group by attempts)")"
  echo "  failed trials' attempts: $(q "select group_concat(failure || '@' || attempts || '=' || c, ' ') from
    (select failure, attempts, count(*) c from trials where failure != 'none' group by failure, attempts)")"
  [ "$failed" -eq 0 ] || echo "  a failed trial's error: $(q "select error from trials where failure != 'none' limit 1")"
  printf "  wall %.2f s, CPU %.2f s (%.0f us per trial), peak RSS %.1f MiB\n" "$wall" "$(echo "$user + $sys" | bc -l)" \
    "$(echo "1000000 * ($user + $sys) / $trials" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  check "the run completed (exit 0 or 1, status completed)" \
    "$([ "$code" -le 1 ] && [ "$(q 'select status from runs')" = completed ] && echo 1 || echo 0)"
  check "every trial stored exactly once ($stored = $distinct = $trials)" \
    "$([ "$stored" -eq "$trials" ] && [ "$distinct" -eq "$trials" ] && echo 1 || echo 0)"
  check "every answered trial has its $evaluators scores ($short without)" "$([ "$short" -eq 0 ] && echo 1 || echo 0)"
  check "every failed trial has its error text ($silent without)" "$([ "$silent" -eq 0 ] && echo 1 || echo 0)"
  check "attempts within 1..$bound ($over outside)" "$([ "$over" -eq 0 ] && echo 1 || echo 0)"
  check "the mock saw at least the stored attempts ($requests >= $attempts)" \
    "$([ "$requests" -ge "$attempts" ] && echo 1 || echo 0)"
done
set -- $sizes
if [ $# -ge 2 ]; then
  first=$1 last=${!#}
  printf "peak RSS: %.1f MiB at %d trials, %.1f MiB at %d trials (x%.2f for x%.0f trials)\n" \
    "$(echo "${rss_of[$first]} / 1024" | bc -l)" "$first" "$(echo "${rss_of[$last]} / 1024" | bc -l)" "$last" \
    "$(echo "${rss_of[$last]} / ${rss_of[$first]}" | bc -l)" "$(echo "$last / $first" | bc -l)"
fi
[ "$ok" = 1 ]
