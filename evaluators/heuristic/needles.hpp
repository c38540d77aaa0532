#pragma once
// evaluators/heuristic/needles: the `value` of contains-any / contains-all — a list of strings
// (each templated, never split) or one comma-separated string (rendered first, then split on
// commas and trimmed, so a dataset column "refund, iban" works). Immutable; render() is
// thread-safe.

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"

namespace evalgate {

class Needles {
public:
  static Result<Needles> read(const SpecReader& reader);

  // The strings to look for in this case; an error (errored score) when rendering fails or
  // leaves nothing to look for.
  Result<std::vector<std::string>> render(const Json& vars) const;

private:
  std::vector<TemplatedText> m_items;
  bool m_comma_form = false;
  std::vector<std::string> m_fixed; // pre-split when nothing is templated
  bool m_templated = false;
};

// What contains-any and contains-all are built from: the needles and the threshold, with only
// `value` allowed beyond the common keys.
struct NeedleConfig {
  Needles needles;
  double threshold;
};
Result<NeedleConfig> read_needle_config(const EvaluatorSpec& spec);

} // namespace evalgate
