#pragma once
// evaluators/heuristic: the factories of the evaluators that need only the trial (no model).
// Each is defined in its own file and listed once in registry.cpp. Each validates its spec
// (keys, types, patterns) and fails with a config error at spec.location.

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/evaluator.hpp"

namespace evalgate {

using EvaluatorPtr = std::unique_ptr<Evaluator>;

Result<EvaluatorPtr> make_bleu(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_char_count(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_contains(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_contains_all(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_contains_any(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_equals(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_exact_match(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_f1(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_icontains(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_is_json(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_is_refusal(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_json_equals(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_json_field(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_json_schema(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_levenshtein(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_max_cost(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_max_latency_ms(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_max_length(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_max_tokens(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_no_pii(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_regex(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_rouge_1(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_rouge_2(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_rouge_l(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_starts_with(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_tool_call(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_word_count(const EvaluatorSpec& spec);

// script: runs a user command; needs the suite's folder to resolve a relative program path.
Result<EvaluatorPtr> make_script(const EvaluatorSpec& spec, const EvaluatorContext& context);

} // namespace evalgate
