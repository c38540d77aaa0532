#!/usr/bin/env bash
# `make demo`: serve the quickstart's two models from the offline mock provider, run the suite,
# print the report. Succeeds when the gate catches the regressing candidate (evalgate exits 1).
set -euo pipefail
evalgate=$(realpath "${1:-build/evalgate}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mock_pid=""
cleanup() {
  if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$evalgate" mock-provider --port 0 --answers "$here/mock-answers.jsonl" > "$work/mock.out" 2> "$work/mock.err" &
mock_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/mock.out" 2>/dev/null && break
  sleep 0.05
done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/mock.out")
if [ -z "$port" ]; then
  echo "demo: the mock provider did not start:" >&2
  cat "$work/mock.err" >&2
  exit 1
fi
echo "demo: mock provider on 127.0.0.1:$port (offline, no API key)"
db="$PWD/.evalgate/demo.db"
echo "demo: evalgate run $here/evalgate.yaml --db $db"
echo

set +e
EVALGATE_MOCK_PORT=$port "$evalgate" run "$here/evalgate.yaml" --db "$db"
code=$?
set -e

echo
case $code in
  1) echo "demo: OK: evalgate exited 1 because the gate caught the regressing candidate (support/candidate)."
     echo "demo: in CI that exit code blocks the merge; 0 would mean every gate rule passed."
     echo "demo: explore the stored run: $evalgate show latest --db $db"
     exit 0 ;;
  0) echo "demo: unexpected: the gate passed, the regressing candidate was not caught" >&2; exit 1 ;;
  *) echo "demo: evalgate failed with exit code $code" >&2; exit 1 ;;
esac
