#!/usr/bin/env bash
# Heuristic scores per second on one core. Generates N cases whose output comes from a dataset
# field (`type: field`: no provider call), then runs `evalgate run` pinned to CPU 0 twice: once
# with the full heuristic catalogue (EVALUATORS per trial) and once with a single `contains`
# (the pipeline's own cost: loading, storing, reporting). The difference in CPU time, divided
# into the difference in scores, is the heuristics' throughput.
# usage: bench/heuristic-throughput/run.sh [EVALGATE=build/evalgate] [N=20000]
set -euo pipefail
evalgate=$(realpath "${1:-build/evalgate}")
n=${2:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Outputs of ~60 words with an email every 10th case, a refusal every 7th; JSON every 5th.
awk -v n="$n" 'BEGIN {
  srand(7)
  for (i = 1; i <= n; i++) {
    ans = sprintf("Refund policy %d: your order K%d qualifies for a full refund within 30 business days of delivery.", i, i)
    for (k = 0; k < 4; k++) ans = ans sprintf(" The item %d was shipped from warehouse %d and tracked by carrier %d.", i + k, (i * 7 + k) % 97, k)
    if (i % 10 == 0) ans = ans " Contact jane.doe@example.com."
    if (i % 7 == 0) ans = "I am sorry, but I cannot help with that request."
    if (i % 5 == 0) ans = sprintf("{\\\"order\\\": \\\"K%d\\\", \\\"refund\\\": true, \\\"days\\\": 30}", i)
    ref = sprintf("Refund policy %d: order K%d gets a full refund within 30 days of delivery.", i, i)
    printf "{\"id\":\"c%d\",\"keyword\":\"K%d\",\"answer\":\"%s\",\"expected\":\"%s\"}\n", i, i, ans, ref > "'"$work"'/cases.jsonl"
  }
}'

write_suite() { # file, evaluators-yaml
  cat > "$1" <<YAML
name: heuristic-throughput
prompts:
  - id: p
    text: "{{keyword}}"
providers:
  - id: recorded
    type: field
    field: answer
datasets:
  - cases.jsonl
evaluators:
$2
concurrency: 1
YAML
}

write_suite "$work/baseline.yaml" '  - type: contains
    value: "{{keyword}}"'
write_suite "$work/full.yaml" '  - type: contains
    value: "{{keyword}}"
  - type: icontains
    value: refund
  - type: regex
    value: "within \\d+ (business )?days"
  - type: max-length
    value: 2000
  - type: word-count
    min: 5
    max: 200
  - type: char-count
    max: 2000
  - type: not-is-refusal
  - type: no-pii
  - type: is-json
  - type: json-schema
    schema: {type: object, required: [order], properties: {order: {type: string}}}
  - type: levenshtein
  - type: bleu
  - type: rouge-1
  - type: rouge-2
  - type: rouge-l
  - type: exact-match
  - type: f1'
evaluators_full=17

measure() { # suite → "cpu_seconds"
  rm -f "$work/db.sqlite"
  set +e
  taskset -c 0 /usr/bin/time -f "%U %S" -o "$work/time.txt" "$evalgate" run "$1" --db "$work/db.sqlite" \
    --no-progress > /dev/null 2> "$work/err.txt"
  code=$?
  set -e
  if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
    cat "$work/err.txt" >&2
    exit 1
  fi
  awk '{ printf "%.3f", $1 + $2 }' "$work/time.txt"
}

base=$(measure "$work/baseline.yaml")
full=$(measure "$work/full.yaml")
awk -v n="$n" -v e="$evaluators_full" -v base="$base" -v full="$full" 'BEGIN {
  extra = n * (e - 1)
  printf "heuristic-throughput: %d trials; baseline (1 evaluator) %.2f s CPU, full (%d evaluators) %.2f s CPU\n", n, base, e, full
  printf "heuristic-throughput: %d extra scores in %.2f s CPU on one core = %.0f scores/s\n", extra, full - base, extra / (full - base)
}'
