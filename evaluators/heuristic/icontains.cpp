// icontains: the output contains the (templated) value, ignoring ASCII case.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class IContains final : public Evaluator {
public:
  IContains(TemplatedText value, double threshold)
    : m_value(std::move(value)), m_folded(ascii_lower(m_value.text())), m_threshold(threshold)
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    auto needle = render_needle(m_value, input.test_case.vars);
    if (!needle) {
      return errored_score(m_threshold, needle.error().message);
    }
    const std::string folded = m_value.templated() ? ascii_lower(*needle) : m_folded;
    if (ascii_lower(input.trial.output).find(folded) != std::string::npos) {
      return binary_score(true, m_threshold, "contains " + in_quotes(*needle) + " (ignoring case)");
    }
    return binary_score(false, m_threshold,
                        "expected to contain " + in_quotes(*needle) + " (ignoring case) — not found");
  }

private:
  TemplatedText m_value;
  std::string m_folded; // the value folded once when it has no placeholders
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_icontains(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  auto value = read_templated_text(reader, "value", "the text to look for, ignoring case");
  if (!value) {
    return fail(value.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<IContains>(std::move(*value), *threshold));
}

} // namespace evalgate
