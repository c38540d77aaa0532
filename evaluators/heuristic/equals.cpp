// equals: the output equals the value exactly; a non-string value (number, list, mapping, ...)
// is compared structurally against the output parsed as JSON.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/json_output.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class EqualsText final : public Evaluator {
public:
  EqualsText(TemplatedText value, double threshold) : m_value(std::move(value)), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    auto expected = m_value.render(input.test_case.vars);
    if (!expected) {
      return errored_score(m_threshold, expected.error().message);
    }
    const std::string& output = input.trial.output;
    if (output == *expected) {
      return binary_score(true, m_threshold, "equals " + in_quotes(*expected));
    }
    return binary_score(false, m_threshold,
                        "expected output to equal " + in_quotes(*expected) + " — got " + in_quotes(output) +
                          " (" + std::to_string(utf8_length(output)) + " chars)");
  }

private:
  TemplatedText m_value;
  double m_threshold;
};

class EqualsJson final : public Evaluator {
public:
  EqualsJson(TemplatedJson value, double threshold) : m_value(std::move(value)), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    auto expected = m_value.render(input.test_case.vars);
    if (!expected) {
      return errored_score(m_threshold, expected.error().message);
    }
    const std::string want = "expected output to equal JSON " + json_snippet(*expected);
    auto parsed = parse_output_json(input.trial.output);
    if (!parsed) {
      return binary_score(false, m_threshold, want + " — output is not valid JSON: " + parsed.error().message);
    }
    if (*parsed == *expected) {
      return binary_score(true, m_threshold, "equals JSON " + json_snippet(*expected));
    }
    return binary_score(false, m_threshold, want + " — got " + json_snippet(*parsed));
  }

private:
  TemplatedJson m_value;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_equals(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  auto value = reader.require("value", "the expected output");
  if (!value) {
    return fail(value.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  if ((*value)->is_string()) {
    auto text = TemplatedText::make(reader, "value", "value", (*value)->get<std::string>());
    if (!text) {
      return fail(text.error());
    }
    return EvaluatorPtr(std::make_unique<EqualsText>(std::move(*text), *threshold));
  }
  auto json = TemplatedJson::make(reader, "value", "value", **value);
  if (!json) {
    return fail(json.error());
  }
  return EvaluatorPtr(std::make_unique<EqualsJson>(std::move(*json), *threshold));
}

} // namespace evalgate
