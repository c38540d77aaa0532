#pragma once
// evaluators/registry: the one table of evaluator types (name → doc line → factory). No static
// self-registration: every type is a row in registry.cpp. `not-<name>` negation is handled here,
// once, for every row that allows it: value becomes 1 - value, pass flips, the reason says so.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/evaluator.hpp"

namespace evalgate {

struct EvaluatorType {
  std::string name;
  std::string doc; // one line for `evalgate list evaluators`
  bool negatable = true;
  // Builds from the spec (type already stripped of `not-`); errors are config errors at spec.location.
  std::function<Result<std::unique_ptr<Evaluator>>(const EvaluatorSpec&, const EvaluatorContext&)> factory;
};

const std::vector<EvaluatorType>& evaluator_types();

// Builds the evaluator for `spec`, handling `not-`. The returned evaluator stamps spec.name on
// every Score. Unknown types fail with "unknown evaluator type 'containz', did you mean
// 'contains'?" at spec.location.
Result<std::unique_ptr<Evaluator>> make_evaluator(const EvaluatorSpec& spec, const EvaluatorContext& context = {});

} // namespace evalgate
