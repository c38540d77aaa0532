// contains-any: the output contains at least one listed string; score 1 or 0.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/needles.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class ContainsAny final : public Evaluator {
public:
  ContainsAny(Needles needles, double threshold) : m_needles(std::move(needles)), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    auto needles = m_needles.render(input.test_case.vars);
    if (!needles) {
      return errored_score(m_threshold, needles.error().message);
    }
    for (const auto& needle : *needles) {
      if (input.trial.output.find(needle) != std::string::npos) {
        return binary_score(true, m_threshold, "contains " + in_quotes(needle));
      }
    }
    return binary_score(false, m_threshold,
                        "expected to contain any of " + quoted_list(*needles) + " — none found");
  }

private:
  Needles m_needles;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_contains_any(const EvaluatorSpec& spec)
{
  auto config = read_needle_config(spec);
  if (!config) {
    return fail(config.error());
  }
  return EvaluatorPtr(std::make_unique<ContainsAny>(std::move(config->needles), config->threshold));
}

} // namespace evalgate
