// max-cost: the trial's provider cost is at most `value` US dollars. An unknown cost (a model
// missing from the pricing table) is an errored score: it can neither pass nor fail the bound.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/text.hpp"

#include <fmt/format.h>

namespace evalgate {

namespace {

std::string dollars(double value)
{
  return "$" + fmt::format("{:.6g}", value);
}

class MaxCost final : public Evaluator {
public:
  MaxCost(double limit, double threshold) : m_limit(limit), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    if (!input.trial.cost_usd) {
      return errored_score(m_threshold, "trial cost is unknown (no price for the model; set the provider's "
                                        "`pricing`), so the " +
                                            dollars(m_limit) + " bound cannot be checked");
    }
    const double cost = *input.trial.cost_usd;
    if (cost <= m_limit) {
      return binary_score(true, m_threshold, "cost " + dollars(cost) + " <= " + dollars(m_limit));
    }
    return binary_score(false, m_threshold, "cost " + dollars(cost) + " > " + dollars(m_limit));
  }

private:
  double m_limit;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_max_cost(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  auto limit = reader.required_limit("value", "the cost limit in US dollars");
  if (!limit) {
    return fail(limit.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<MaxCost>(*limit, *threshold));
}

} // namespace evalgate
