// word-count: the number of whitespace-separated words in the output is within `min`..`max`.
#include "evaluators/heuristic/count_bounds.hpp"
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/unicode_text.hpp"
#include "evaluators/score.hpp"

namespace evalgate {

namespace {

class WordCount final : public Evaluator {
public:
  WordCount(CountBounds bounds, double threshold) : m_bounds(bounds), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    const auto words = static_cast<long>(split_whitespace(decode_utf8(input.trial.output)).size());
    const std::string shown = std::to_string(words) + (words == 1 ? " word" : " words");
    if (m_bounds.contains(words)) {
      return binary_score(true, m_threshold, shown + ", " + m_bounds.describe());
    }
    return binary_score(false, m_threshold, shown + ", expected " + m_bounds.describe());
  }

private:
  CountBounds m_bounds;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_word_count(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"max", "min"}); !ok) {
    return fail(ok.error());
  }
  auto bounds = read_count_bounds(reader, "the word count bounds");
  if (!bounds) {
    return fail(bounds.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<WordCount>(*bounds, *threshold));
}

} // namespace evalgate
