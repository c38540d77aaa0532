#!/usr/bin/env bash
# Reading + assembling a large synthetic OTLP export: MB/s and peak RSS (bench/README.md).
#   bash bench/trace-parse.sh [BUILD_DIR=build-rel] [SIZE_MB=1024] [FILE=/tmp/evalgate-otlp-SIZE.jsonl]
# Generates FILE with bench/gen-otlp-traces.py when it does not exist (never inside the repo),
# then runs bench/trace_read_bench twice under /usr/bin/time -v: parse only, and parse + per-trace
# assembly. MB/s is wall-clock; the user+sys CPU seconds are printed too, because on a loaded
# machine wall time measures the other processes as much as this one.
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
for mode in --parse-only ""; do
  out="$(/usr/bin/time -v "$bench" $mode "$file" 2>&1)"
  echo "$out" | head -1
  echo "$out" | awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {r=$2}
    END {printf "  cpu %.2f s (user %.2f + sys %.2f), peak RSS %.1f MiB\n", u+s, u, s, r/1024}'
done
