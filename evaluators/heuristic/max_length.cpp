// max-length: the output is at most `value` characters long, counted as UTF-8 code points.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class MaxLength final : public Evaluator {
public:
  MaxLength(long limit, double threshold) : m_limit(limit), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    const auto length = static_cast<long>(utf8_length(input.trial.output));
    const std::string shown = "length " + std::to_string(length) + " chars";
    if (length <= m_limit) {
      return binary_score(true, m_threshold, shown + " <= " + std::to_string(m_limit));
    }
    return binary_score(false, m_threshold, shown + " > " + std::to_string(m_limit));
  }

private:
  long m_limit;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_max_length(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  auto value = reader.require("value", "the maximum number of characters");
  if (!value) {
    return fail(value.error());
  }
  auto limit = reader.whole_number_of("value", **value);
  if (!limit) {
    return fail(limit.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<MaxLength>(*limit, *threshold));
}

} // namespace evalgate
