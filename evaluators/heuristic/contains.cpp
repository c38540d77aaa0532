// contains: the output contains the (templated) value, case-sensitively.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class Contains final : public Evaluator {
public:
  Contains(TemplatedText value, double threshold) : m_value(std::move(value)), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    auto needle = render_needle(m_value, input.test_case.vars);
    if (!needle) {
      return errored_score(m_threshold, needle.error().message);
    }
    if (input.trial.output.find(*needle) != std::string::npos) {
      return binary_score(true, m_threshold, "contains " + in_quotes(*needle));
    }
    return binary_score(false, m_threshold, "expected to contain " + in_quotes(*needle) + " — not found");
  }

private:
  TemplatedText m_value;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_contains(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  auto value = read_templated_text(reader, "value", "the text to look for");
  if (!value) {
    return fail(value.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<Contains>(std::move(*value), *threshold));
}

} // namespace evalgate
