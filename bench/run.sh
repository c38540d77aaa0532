#!/usr/bin/env bash
# `make bench`: end-to-end run benchmark against the mock provider. Prints wall time, CPU time
# and peak RSS of `evalgate run` for N cases x 2 candidates at the given concurrency and latency.
# usage: bench/run.sh [EVALGATE] [N=1000] [CONCURRENCY=64] [LATENCY_MS=0]
set -euo pipefail
evalgate=$(realpath "${1:-build/evalgate}")
n=${2:-1000} concurrency=${3:-64} latency=${4:-0}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mock_pid=""
cleanup() {
  if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

bash "$here/gen_suite.sh" "$work" "$n" "$concurrency"
"$evalgate" mock-provider --port 0 --answers "$work/answers.jsonl" --latency-ms "$latency" \
  > "$work/mock.out" 2> "$work/mock.err" &
mock_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$work/mock.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/mock.out")

set +e
EVALGATE_MOCK_PORT=$port /usr/bin/time -v "$evalgate" run "$work/evalgate.yaml" --db "$work/bench.db" \
  --no-progress > "$work/report.txt" 2> "$work/time.txt"
code=$?
set -e
trials=$(sqlite3 "$work/bench.db" "select count(*) from trials" 2>/dev/null || echo "?")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
user=$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")
sys=$(sed -n 's/.*System time (seconds): //p' "$work/time.txt")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
echo "bench: $n cases x 2 candidates, concurrency $concurrency, mock latency ${latency} ms"
echo "bench: exit $code, trials stored $trials"
echo "bench: wall $wall, user ${user}s, sys ${sys}s, peak RSS $((rss / 1024)) MiB"
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
  cat "$work/time.txt" >&2
  exit 1
fi
