#!/usr/bin/env bash
# Writes a benchmark suite into DIR: N cases, two candidates on the mock provider (good answers
# every case, bad misses every third), the quickstart's kind of evaluators.
# usage: bench/gen_suite.sh DIR N CONCURRENCY
set -euo pipefail
dir=$1 n=$2 concurrency=$3
mkdir -p "$dir"
awk -v n="$n" 'BEGIN {
  for (i = 1; i <= n; i++) {
    printf "{\"id\":\"c%d\",\"question\":\"benchmark question %d, how do refunds work?\",\"keyword\":\"K%d\"}\n", i, i, i > "'"$dir"'/golden.jsonl"
    printf "{\"model\":\"good\",\"contains\":\"benchmark question %d,\",\"reply\":\"Refund policy %d: code K%d applies within 30 days.\"}\n", i, i, i > "'"$dir"'/answers.jsonl"
    if (i % 3 == 0) reply = "I am not sure."; else reply = sprintf("Refund policy %d: code K%d applies within 30 days.", i, i)
    printf "{\"model\":\"bad\",\"contains\":\"benchmark question %d,\",\"reply\":\"%s\"}\n", i, reply > "'"$dir"'/answers.jsonl"
  }
}'
cat > "$dir/evalgate.yaml" <<YAML
name: bench-$n
prompts:
  - id: p
    text: "Customer question: {{question}}"
providers:
  - id: good
    type: openai
    model: good
    base_url: http://127.0.0.1:\${EVALGATE_MOCK_PORT}/v1
  - id: bad
    type: openai
    model: bad
    base_url: http://127.0.0.1:\${EVALGATE_MOCK_PORT}/v1
datasets:
  - golden.jsonl
evaluators:
  - type: contains
    name: has-code
    value: "{{keyword}}"
  - type: regex
    value: "within \\\\d+ days"
  - type: max-length
    value: 400
  - type: not-icontains
    value: "as an ai"
gate:
  - metric: has-code
    min_pass_rate: 0.9
concurrency: $concurrency
YAML
