#!/usr/bin/env bash
# Writes ONE workload for both tools into DIR: N cases x 2 candidates (models "good" and "bad" on
# the mock) x the same 5 assertions (contains, regex, is-json, embedding similarity, LLM rubric).
#   DIR/answers.jsonl                 rules for `evalgate mock-provider --answers`
#   DIR/evalgate/evalgate.yaml        + cases.jsonl   (base URL from ${EVALGATE_MOCK_PORT})
#   DIR/promptfoo/promptfooconfig.yaml + prompt.json + tests.jsonl (base URL: the placeholder
#                                     __MOCK_BASE__, which run.sh replaces with its mock's URL)
# Candidate outputs: the mock echoes the last user message when no rule matches, so the prompt's
# user message IS the answer (a JSON object naming the case's code); no per-case rules, so the
# mock's cost per request does not grow with N. Model "bad" answers "I am not sure." on every
# third case (its user message carries the marker "-x"), which fails all 5 assertions. The
# judge (model "grader") fails outputs containing "I am not sure" and passes the rest; the
# embedder (model "embed") hashes words into vectors, so similarity depends on the texts.
# usage: bench/compare-promptfoo/gen_workload.sh DIR N CONCURRENCY
set -euo pipefail
dir=$1 n=$2 concurrency=$3
mkdir -p "$dir/evalgate" "$dir/promptfoo"

awk -v n="$n" -v eg="$dir/evalgate/cases.jsonl" -v pf="$dir/promptfoo/tests.jsonl" 'BEGIN {
  for (i = 1; i <= n; i++) {
    tag = (i % 3 == 0) ? sprintf("c%d-x", i) : sprintf("c%d", i)
    vars = sprintf("\"id\":\"%s\",\"n\":\"%d\",\"keyword\":\"K%d\",\"question\":\"How do refunds work for order %d?\",\"expected\":\"Refund policy %d: code K%d applies within 30 days.\"", tag, i, i, i, i, i)
    printf "{%s}\n", vars > eg
    printf "{\"description\":\"%s\",\"vars\":{%s}}\n", tag, vars > pf
  }
}'

cat > "$dir/answers.jsonl" <<'JSONL'
{"model": "bad", "contains": "-x\"", "reply": "I am not sure."}
{"model": "grader", "contains": "I am not sure", "reply": "{\"reason\": \"The output does not state the refund policy.\", \"pass\": false, \"score\": 0}"}
{"model": "grader", "reply": "{\"reason\": \"The output states the refund policy and its code.\", \"pass\": true, \"score\": 1}"}
JSONL

rubric="The answer states the refund policy and the order's code."
cat > "$dir/evalgate/evalgate.yaml" <<YAML
name: compare-promptfoo-$n
prompts:
  - id: p
    messages:
      - role: system
        content: "You are a support bot. Answer with a JSON object."
      - role: user
        content: '{"answer": "Refund policy {{n}}: code {{keyword}} applies within 30 days.", "case": "{{id}}"}'
providers:
  - id: good
    type: openai
    model: good
    base_url: http://127.0.0.1:\${EVALGATE_MOCK_PORT}/v1
    api_key_env: EVALGATE_MOCK_KEY
  - id: bad
    type: openai
    model: bad
    base_url: http://127.0.0.1:\${EVALGATE_MOCK_PORT}/v1
    api_key_env: EVALGATE_MOCK_KEY
judges:
  - id: grader
    type: openai
    model: grader
    base_url: http://127.0.0.1:\${EVALGATE_MOCK_PORT}/v1
    api_key_env: EVALGATE_MOCK_KEY
  - id: embed
    type: openai
    model: embed
    base_url: http://127.0.0.1:\${EVALGATE_MOCK_PORT}/v1
    api_key_env: EVALGATE_MOCK_KEY
datasets:
  - cases.jsonl
evaluators:
  - type: contains
    value: "{{keyword}}"
  - type: regex
    value: "within \\\\d+ days"
  - type: is-json
  - type: similarity
    reference: "{{expected}}"
    threshold: 0.7
    provider: embed
  - type: rubric
    rubric: "$rubric"
    provider: grader
concurrency: $concurrency
YAML

# promptfoo parses a prompt that is valid JSON as a chat array, so the user message (itself JSON)
# is written escaped inside one; nunjucks leaves the backslashes alone.
cat > "$dir/promptfoo/prompt.json" <<'JSON'
[{"role": "system", "content": "You are a support bot. Answer with a JSON object."},
 {"role": "user", "content": "{\"answer\": \"Refund policy {{ n }}: code {{ keyword }} applies within 30 days.\", \"case\": \"{{ id }}\"}"}]
JSON
cat > "$dir/promptfoo/promptfooconfig.yaml" <<YAML
description: compare-promptfoo-$n
prompts:
  - file://prompt.json
providers:
  - id: openai:chat:good
    config: {apiBaseUrl: "__MOCK_BASE__", apiKey: mock}
  - id: openai:chat:bad
    config: {apiBaseUrl: "__MOCK_BASE__", apiKey: mock}
defaultTest:
  options:
    provider:
      text: {id: "openai:chat:grader", config: {apiBaseUrl: "__MOCK_BASE__", apiKey: mock}}
      embedding: {id: "openai:embedding:embed", config: {apiBaseUrl: "__MOCK_BASE__", apiKey: mock}}
  assert:
    - type: contains
      value: "{{ keyword }}"
    - type: regex
      value: "within \\\\d+ days"
    - type: is-json
    - type: similar
      value: "{{ expected }}"
      threshold: 0.7
    - type: llm-rubric
      value: "$rubric"
tests: file://tests.jsonl
YAML
