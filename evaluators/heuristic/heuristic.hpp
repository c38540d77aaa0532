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

Result<EvaluatorPtr> make_contains(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_contains_all(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_contains_any(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_equals(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_icontains(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_is_json(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_json_field(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_max_latency_ms(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_max_length(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_regex(const EvaluatorSpec& spec);
Result<EvaluatorPtr> make_starts_with(const EvaluatorSpec& spec);

} // namespace evalgate
