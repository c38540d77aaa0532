// char-count: the output's length in UTF-8 code points is within `min`..`max`.
#include "evaluators/heuristic/count_bounds.hpp"
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/score.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class CharCount final : public Evaluator {
public:
  CharCount(CountBounds bounds, double threshold) : m_bounds(bounds), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    const auto chars = static_cast<long>(utf8_length(input.trial.output));
    const std::string shown = std::to_string(chars) + (chars == 1 ? " char" : " chars");
    if (m_bounds.contains(chars)) {
      return binary_score(true, m_threshold, shown + ", " + m_bounds.describe());
    }
    return binary_score(false, m_threshold, shown + ", expected " + m_bounds.describe());
  }

private:
  CountBounds m_bounds;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_char_count(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"max", "min"}); !ok) {
    return fail(ok.error());
  }
  auto bounds = read_count_bounds(reader, "the character count bounds");
  if (!bounds) {
    return fail(bounds.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<CharCount>(*bounds, *threshold));
}

} // namespace evalgate
