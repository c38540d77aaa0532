#pragma once
// evaluators/heuristic/count_evaluator: the one evaluator behind word-count and char-count — a
// count of the output checked against `min`..`max` (count_bounds.hpp). Each type supplies only
// how to count and what the unit is called.

#include <functional>
#include <string>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/evaluator.hpp"

namespace evalgate {

struct CountKind {
  const char* bounds_name; // "the word count bounds", for the missing-key error
  const char* unit;        // "word": reasons read "12 words, at most 200"
  std::function<long(const std::string& output)> count;
};

Result<std::unique_ptr<Evaluator>> make_count_evaluator(const EvaluatorSpec& spec, CountKind kind);

} // namespace evalgate
