#pragma once
// evaluators/heuristic/count_bounds: the `min` / `max` pair of the bound evaluators (word-count,
// char-count, max-tokens): whole numbers >= 0, at least one given, min <= max. Build-time only.

#include <optional>
#include <string>

#include "core/result.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

struct CountBounds {
  std::optional<long> min;
  std::optional<long> max;

  bool contains(long count) const { return (!min || count >= *min) && (!max || count <= *max); }
  // "between 5 and 200", "at least 5", "at most 200"
  std::string describe() const;
};

// `what` names the bounded quantity in the missing-key error: "evaluator 'word-count' needs 'min'
// or 'max' (the word count bounds)".
Result<CountBounds> read_count_bounds(const SpecReader& reader, const std::string& what);

} // namespace evalgate
