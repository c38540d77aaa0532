// max-latency-ms: the trial's latency (first attempt to final response) is at most `value` ms.
#include <cmath>

#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class MaxLatencyMs final : public Evaluator {
public:
  MaxLatencyMs(double limit, double threshold) : m_limit(limit), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    const double latency = input.trial.latency_ms;
    // One decimal is enough to show why 2000.4 ms fails a 2000 ms limit.
    const std::string shown = "latency " + format_number(std::round(latency * 10) / 10) + " ms";
    if (latency <= m_limit) {
      return binary_score(true, m_threshold, shown + " <= " + format_number(m_limit) + " ms");
    }
    return binary_score(false, m_threshold, shown + " > " + format_number(m_limit) + " ms");
  }

private:
  double m_limit;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_max_latency_ms(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  auto limit = reader.required_limit("value", "the latency limit in milliseconds");
  if (!limit) {
    return fail(limit.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<MaxLatencyMs>(*limit, *threshold));
}

} // namespace evalgate
