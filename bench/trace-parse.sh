#!/usr/bin/env bash
# Reading + assembling a large synthetic OTLP export: MB/s and peak RSS (bench/README.md).
#   bash bench/trace-parse.sh [BUILD_DIR=build-rel] [SIZE_MB=1024] [FILE=/tmp/evalgate-otlp-SIZE.jsonl]
# Generates FILE with bench/gen-otlp-traces.py when it does not exist (never inside the repo),
# then runs bench/trace_read_bench twice under /usr/bin/time -v: parse only, and parse + per-trace
# assembly; then, when BUILD_DIR/evalgate exists, the end-to-end command of issue 6 item 6:
# `evalgate traces score FILE --sample-rate 0.01` with three heuristic evaluators, on one reading
# thread and on the default (one per core). MB/s is wall-clock; the user+sys CPU seconds are
# printed too, because on a loaded machine wall time measures the other processes as much as this
# one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-build-rel}"
size="${2:-1024}"
file="${3:-/tmp/evalgate-otlp-${size}.jsonl}"
bench="$build/bench/trace_read_bench"
[[ -x "$bench" ]] || { echo "no $bench: configure with -DEVALGATE_BENCH=ON and build target trace_read_bench" >&2; exit 2; }
if [[ ! -f "$file" ]]; then
  python3 "$here/gen-otlp-traces.py" "$file" "$size"
fi
cat "$file" > /dev/null # warm the page cache: measure parsing, not the disk
cpu_rss() {
  awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Elapsed \(wall/ {w=$2} /Maximum resident/ {r=$2}
    END {printf "  wall %s, cpu %.2f s (user %.2f + sys %.2f), peak RSS %.1f MiB\n", w, u+s, u, s, r/1024}'
}
for mode in --parse-only ""; do
  out="$(/usr/bin/time -v "$bench" $mode "$file" 2>&1)"
  echo "$out" | head -1
  echo "$out" | cpu_rss
done
if [[ -x "$build/evalgate" ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  printf 'name: bench\nevaluators:\n  - type: max-length\n    value: 4000\n  - type: not-icontains\n    name: no-apology\n    value: "I am sorry"\n  - type: no-pii\n' > "$work/bench.yaml"
  mb="$(( $(stat -c %s "$file") / 1000000 ))"
  for threads in 1 0; do
    rm -f "$work/b.db"
    out="$(/usr/bin/time -v "$build/evalgate" traces score "$file" --suite "$work/bench.yaml" --db "$work/b.db" \
      --sample-rate 0.01 --read-threads "$threads" 2>&1 >/dev/null)"
    echo "traces score --sample-rate 0.01 --read-threads $threads (0 = one per core), $mb MB:"
    echo "$out" | cpu_rss
  done
fi
