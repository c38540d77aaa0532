#!/usr/bin/env bash
# Provider-layer throughput against `evalgate mock-provider` (issue 3's benchmark):
#   - at 50 ms mock latency, concurrency 64 and 256: requests/s achieved vs the limit
#     concurrency / latency (target >= 90%);
#   - at 0 ms latency: CPU microseconds per request of `evalgate run` (user + sys over trials:
#     JSON encode/decode, scoring and the store write included; target <= 100 us).
# Every trial is one HTTP request through the real path (flow gate -> curl multi -> loopback).
# usage: [MOCK_CPUS=1] bench/provider-throughput.sh [EVALGATE] [CASES_AT_50MS=4000] [CASES_AT_0MS=10000]
set -euo pipefail
evalgate=$(realpath "${1:-build/evalgate}")
cases_50=${2:-4000} cases_0=${3:-10000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mock_pid=""
stop_mock() {
  if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  mock_pid=""
}
trap 'stop_mock; rm -rf "$work"' EXIT

# run_one CASES CONCURRENCY LATENCY_MS -> prints "trials wall_s cpu_s rerun_wall_s"; the rerun is the
# same suite on the same database, every trial a cache hit: the run without its HTTP requests.
run_one() {
  local n=$1 concurrency=$2 latency=$3 dir="$work/run-$1-$2-$3"
  bash "$here/gen_suite.sh" "$dir" "$n" "$concurrency"
  # MOCK_CPUS=1 pins the mock to CPU 1 (taskset), so its CPU and evalgate's can be told apart.
  ${MOCK_CPUS:+taskset -c "$MOCK_CPUS"} "$evalgate" mock-provider --port 0 --answers "$dir/answers.jsonl" --latency-ms "$latency" \
    > "$dir/mock.out" 2> "$dir/mock.err" &
  mock_pid=$!
  for _ in $(seq 1 100); do grep -q 'listening on' "$dir/mock.out" 2>/dev/null && break; sleep 0.05; done
  local port
  port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/mock.out")
  set +e
  EVALGATE_MOCK_PORT=$port /usr/bin/time -f "%e %U %S" -o "$dir/time.txt" "$evalgate" run "$dir/evalgate.yaml" \
    --db "$dir/bench.db" --no-progress > "$dir/report.txt" 2> "$dir/err.txt"
  local code=$?
  EVALGATE_MOCK_PORT=$port /usr/bin/time -f "%e %U %S" -o "$dir/time-rerun.txt" "$evalgate" run "$dir/evalgate.yaml" \
    --db "$dir/bench.db" --no-progress > "$dir/report-rerun.txt" 2> "$dir/err-rerun.txt"
  set -e
  stop_mock
  if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
    cat "$dir/err.txt" >&2
    exit 1
  fi
  local trials
  trials=$(sqlite3 "$dir/bench.db" "select count(*) from trials where failure = 'none' and run_id = (select id from runs order by rowid limit 1)" 2>/dev/null ||
    echo $((2 * n)))
  read -r wall user sys < <(tail -n 1 "$dir/time.txt")
  local rerun_wall
  read -r rerun_wall _ < <(tail -n 1 "$dir/time-rerun.txt")
  echo "$trials $wall $(echo "$user + $sys" | bc -l) $rerun_wall"
}

echo "provider throughput: $(basename "$evalgate"), $(nproc) cores"
for concurrency in 64 256; do
  read -r trials wall cpu rerun < <(run_one "$cases_50" "$concurrency" 50)
  rate=$(echo "$trials / $wall" | bc -l)
  limit=$(echo "$concurrency / 0.050" | bc -l)
  printf "50 ms, concurrency %d: %d requests in %.2f s = %.0f req/s; limit %.0f req/s (%.0f%%)\n" \
    "$concurrency" "$trials" "$wall" "$rate" "$limit" "$(echo "100 * $rate / $limit" | bc -l)"
  # The request phase alone: the run minus its cached rerun (start-up, scoring, store, gate, report).
  phase=$(echo "$wall - $rerun" | bc -l)
  printf "  request phase ~%.2f s (run %.2f s - cached rerun %.2f s) = %.0f req/s (%.0f%% of the limit)\n" \
    "$phase" "$wall" "$rerun" "$(echo "$trials / $phase" | bc -l)" "$(echo "100 * $trials / $phase / $limit" | bc -l)"
done
read -r trials wall cpu rerun < <(run_one "$cases_0" 64 0)
printf "0 ms, concurrency 64: %d requests in %.2f s wall, %.2f s CPU = %.0f us CPU per request\n" \
  "$trials" "$wall" "$cpu" "$(echo "1000000 * $cpu / $trials" | bc -l)"
