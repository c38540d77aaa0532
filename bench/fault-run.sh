#!/usr/bin/env bash
# Fault absorption (issue 3's benchmark): N cases x 2 candidates against `evalgate mock-provider`
# injecting 25% faults (429 with retry-after, 500, 529, timeouts, resets, malformed bodies).
# Prints how many trials completed, how many failed (and why), the largest attempt count against
# the bound (max_retries + 1), and whether the mock's request count equals the stored attempts.
# usage: bench/fault-run.sh [EVALGATE] [CASES=5000] [CONCURRENCY=64]
set -euo pipefail
evalgate=$(realpath "${1:-build/evalgate}")
n=${2:-5000} concurrency=${3:-64}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mock_pid=""
trap '[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"' EXIT

bash "$here/gen_suite.sh" "$work" "$n" "$concurrency"
# Retries fast (the mock asks for 0.05 s on 429s), a 2 s request timeout for the hung requests.
sed -i 's|^    base_url: \(.*\)$|    base_url: \1\n    max_retries: 6\n    retry_base_ms: 20\n    timeout_ms: 2000|' "$work/evalgate.yaml"
"$evalgate" mock-provider --port 0 --answers "$work/answers.jsonl" --retry-after 0.05 --timeout-hang-ms 5000 \
  --fault 429:0.06 --fault 500:0.05 --fault 529:0.04 --fault timeout:0.02 --fault reset:0.04 \
  --fault malformed:0.04 --seed 7 > "$work/mock.out" 2> "$work/mock.err" &
mock_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$work/mock.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/mock.out")
set +e
EVALGATE_MOCK_PORT=$port /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$evalgate" run "$work/evalgate.yaml" \
  --db "$work/bench.db" --no-progress > "$work/report.txt" 2> "$work/err.txt"
code=$?
set -e
stats=$(curl -s "http://127.0.0.1:$port/stats")
echo "mock stats: $stats"
requests=$(echo "$stats" | sed -n 's|.*"requests": *\([0-9]*\).*|\1|p')
read -r wall user sys rss < <(tail -n 1 "$work/time.txt")
q() { sqlite3 "$work/bench.db" "$1"; }
echo "fault run: $n cases x 2 candidates, concurrency $concurrency, 25% injected faults; exit $code"
echo "trials stored: $(q 'select count(*) from trials') of $((2 * n)); ok: $(q "select count(*) from trials where failure = 'none'")"
echo "failed by kind: $(q "select group_concat(failure || '=' || c, ' ') from (select failure, count(*) c from trials where failure != 'none' group by failure)")"
echo "attempts: total $(q 'select sum(attempts) from trials'), max $(q 'select max(attempts) from trials') (bound 7); mock requests: $requests"
printf "wall %.2f s, CPU %.2f s, peak RSS %d MiB\n" "$wall" "$(echo "$user + $sys" | bc -l)" "$((rss / 1024))"
