// starts-with: the output begins with the (templated) value, byte for byte.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class StartsWith final : public Evaluator {
public:
  StartsWith(TemplatedText value, double threshold) : m_value(std::move(value)), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    auto prefix = render_needle(m_value, input.test_case.vars);
    if (!prefix) {
      return errored_score(m_threshold, prefix.error().message);
    }
    const std::string& output = input.trial.output;
    if (output.compare(0, prefix->size(), *prefix) == 0) {
      return binary_score(true, m_threshold, "starts with " + in_quotes(*prefix));
    }
    return binary_score(false, m_threshold,
                        "expected to start with " + in_quotes(*prefix) + " — got " + in_quotes(output));
  }

private:
  TemplatedText m_value;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_starts_with(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  auto value = read_templated_text(reader, "value", "the text the output must start with");
  if (!value) {
    return fail(value.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<StartsWith>(std::move(*value), *threshold));
}

} // namespace evalgate
