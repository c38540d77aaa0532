#!/usr/bin/env bash
# Provider-layer throughput against `evalgate mock-provider` (issue 3's benchmark):
#   - at 50 ms mock latency, concurrency 64 and 256: requests/s achieved vs the limit
#     concurrency / latency (target >= 90%);
#   - at 0 ms latency: CPU microseconds per request of `evalgate run` (user + sys over trials:
#     JSON encode/decode, scoring and the store write included; target <= 100 us).
# Every trial is one HTTP request through the real path (flow gate -> curl multi -> loopback).
# At concurrency 256 the limit is 5,120 req/s, so that run gets more cases (16,000 cases = 32,000
# requests, a 6.25 s floor) than at 64: 8,000 requests lasted ~2 s, too short to time. Each
# scenario prints the whole run (loading, the store read, gate and report included: they grow
# with the cases too) and the request phase as the mock timed it (first request -> last response).
# usage: [MOCK_CPUS=1] bench/provider-throughput.sh [EVALGATE] [CASES_AT_50MS_C64=4000] [CASES_AT_0MS=10000]
#        [CASES_AT_50MS_C256=16000]
set -euo pipefail
evalgate=$(realpath "${1:-build/evalgate}")
cases_50=${2:-4000} cases_0=${3:-10000} cases_256=${4:-16000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mock_pid=""
stop_mock() {
  if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  mock_pid=""
}
trap 'stop_mock; rm -rf "$work"' EXIT

# run_one CASES CONCURRENCY LATENCY_MS -> prints "trials wall_s cpu_s phase_s late_mean_ms late_p99_ms
# stored_latency_ms": phase_s is the request phase timed by the mock itself (its /stats: first request
# received -> last response sent), so start-up, loading, the store read, gate and report are not in
# it; late_*: how far past its latency the mock's own answers left (its /stats answer_ms);
# stored_latency_ms: the mean latency_ms evalgate stored for the answered trials (its own view of a
# round trip, so the difference to latency + late_mean is on evalgate's side).
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
  set -e
  curl -s "http://127.0.0.1:$port/stats" > "$dir/stats.json"
  stop_mock
  if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
    cat "$dir/err.txt" >&2
    exit 1
  fi
  local trials
  trials=$(sqlite3 "$dir/bench.db" "select count(*) from trials where failure = 'none' and run_id = (select id from runs order by rowid limit 1)" 2>/dev/null ||
    echo $((2 * n)))
  read -r wall user sys < <(tail -n 1 "$dir/time.txt")
  local first last
  first=$(sed -n 's/.*"first_request_ms":\([0-9.e+-]*\).*/\1/p' "$dir/stats.json")
  last=$(sed -n 's/.*"last_status_ms":\([0-9.e+-]*\).*/\1/p' "$dir/stats.json")
  local late_mean late_p99 stored
  late_mean=$(sed -n 's/.*"late_mean":\([0-9.e+-]*\).*/\1/p' "$dir/stats.json")
  late_p99=$(sed -n 's/.*"late_p99":\([0-9.e+-]*\).*/\1/p' "$dir/stats.json")
  stored=$(sqlite3 "$dir/bench.db" "select avg(latency_ms) from trials where failure = 'none'" 2>/dev/null || echo 0)
  echo "$trials $wall $(echo "$user + $sys" | bc -l) $(echo "(${last:-0} - ${first:-0}) / 1000" | bc -l)" \
    "${late_mean:-0} ${late_p99:-0} ${stored:-0}"
}

echo "provider throughput: $(basename "$evalgate"), $(nproc) cores"
for concurrency in 64 256; do
  cases=$cases_50
  if [ "$concurrency" -eq 256 ]; then cases=$cases_256; fi
  read -r trials wall cpu phase late_mean late_p99 stored < <(run_one "$cases" "$concurrency" 50)
  rate=$(echo "$trials / $wall" | bc -l)
  limit=$(echo "$concurrency / 0.050" | bc -l)
  printf "50 ms, concurrency %d: %d requests (%d cases x 2 candidates) in %.2f s (whole run: start-up, gate and report included) = %.0f req/s; limit %.0f req/s (%.0f%%); %.2f s CPU = %.0f us per request\n" \
    "$concurrency" "$trials" "$cases" "$wall" "$rate" "$limit" "$(echo "100 * $rate / $limit" | bc -l)" \
    "$cpu" "$(echo "1000000 * $cpu / $trials" | bc -l)"
  # The request phase alone, as the mock saw it: first request in -> last response out.
  printf "  request phase %.2f s (timed by the mock: first request -> last response) = %.0f req/s (%.0f%% of the limit)\n" \
    "$phase" "$(echo "$trials / $phase" | bc -l)" "$(echo "100 * $trials / $phase / $limit" | bc -l)"
  # Where a round trip's time beyond the 50 ms goes: the mock's own lateness vs what evalgate stored.
  printf "  mock answers %.2f ms late on average (p99 %.1f ms); evalgate stored %.2f ms per request\n" \
    "$late_mean" "$late_p99" "$stored"
done
read -r trials wall cpu phase _ < <(run_one "$cases_0" 64 0)
printf "0 ms, concurrency 64: %d requests in %.2f s wall, %.2f s CPU = %.0f us CPU per request\n" \
  "$trials" "$wall" "$cpu" "$(echo "1000000 * $cpu / $trials" | bc -l)"
