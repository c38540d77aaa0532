// is-json: the output parses as strict JSON.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/json_output.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

namespace {

class IsJson final : public Evaluator {
public:
  explicit IsJson(double threshold) : m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    auto parsed = parse_output_json(input.trial.output);
    if (parsed) {
      return binary_score(true, m_threshold, "output is valid JSON");
    }
    return binary_score(false, m_threshold, "output is not valid JSON: " + parsed.error().message);
  }

private:
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_is_json(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({}); !ok) {
    return fail(ok.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<IsJson>(*threshold));
}

} // namespace evalgate
