// json-equals: the output parsed as JSON equals `value` (or the case's `expected`, parsed as JSON)
// structurally: object key order is ignored, numbers compare by value (1 == 1.0), arrays in order.
#include <optional>

#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/json_output.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

// nlohmann compares mixed integer/float numbers by value, but an integer and an unsigned of the
// same value too; this walk exists to report *where* the documents first differ.
std::optional<std::string> first_difference(const Json& got, const Json& want, const std::string& path)
{
  const std::string where = path.empty() ? "at the root" : "at " + path;
  if (got.is_number() && want.is_number()) {
    if (got == want) {
      return std::nullopt;
    }
    return where + ": expected " + want.dump() + ", got " + got.dump();
  }
  if (got.type() != want.type()) {
    return where + ": expected " + json_type_name(want) + " " + json_snippet(want, 40) + ", got " +
           json_type_name(got) + " " + json_snippet(got, 40);
  }
  if (want.is_object()) {
    for (const auto& [key, value] : want.items()) {
      if (!got.contains(key)) {
        return where + ": missing key '" + key + "'";
      }
      if (auto diff = first_difference(got[key], value, path + "/" + key)) {
        return diff;
      }
    }
    for (const auto& item : got.items()) {
      if (!want.contains(item.key())) {
        return where + ": unexpected key '" + item.key() + "'";
      }
    }
    return std::nullopt;
  }
  if (want.is_array()) {
    if (got.size() != want.size()) {
      return where + ": expected " + std::to_string(want.size()) + " items, got " +
             std::to_string(got.size());
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (auto diff = first_difference(got[i], want[i], path + "/" + std::to_string(i))) {
        return diff;
      }
    }
    return std::nullopt;
  }
  if (got != want) {
    return where + ": expected " + json_snippet(want, 40) + ", got " + json_snippet(got, 40);
  }
  return std::nullopt;
}

class JsonEquals final : public Evaluator {
public:
  JsonEquals(std::optional<TemplatedJson> value, bool parse_rendered, double threshold)
      : m_value(std::move(value)), m_parse_rendered(parse_rendered), m_threshold(threshold)
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    Json expected;
    if (m_value) {
      auto rendered = m_value->render(input.test_case.vars);
      if (!rendered) {
        return errored_score(m_threshold, rendered.error().message);
      }
      expected = std::move(*rendered);
      if (m_parse_rendered && expected.is_string()) {
        auto parsed = parse_output_json(expected.get<std::string>());
        if (!parsed) {
          return errored_score(m_threshold,
                               "value rendered to text that is not JSON: " + parsed.error().message);
        }
        expected = std::move(*parsed);
      }
    } else if (input.test_case.expected) {
      auto parsed = parse_output_json(*input.test_case.expected);
      if (!parsed) {
        return errored_score(m_threshold, "the case's expected is not valid JSON: " + parsed.error().message);
      }
      expected = std::move(*parsed);
    } else {
      return errored_score(m_threshold, "no reference: set `value` or give the case an `expected` field");
    }
    auto output = parse_output_json(input.trial.output);
    if (!output) {
      return binary_score(false, m_threshold, "output is not valid JSON: " + output.error().message);
    }
    if (auto diff = first_difference(*output, expected, "")) {
      return binary_score(false, m_threshold, "JSON differs " + *diff);
    }
    return binary_score(true, m_threshold, "equals JSON " + json_snippet(expected));
  }

private:
  std::optional<TemplatedJson> m_value;
  bool m_parse_rendered; // `value: "{{expected_json}}"`: the rendered text is a JSON document
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_json_equals(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  std::optional<TemplatedJson> value;
  bool parse_rendered = false;
  if (const Json* written = reader.find("value")) {
    parse_rendered = written->is_string();
    Json document = *written;
    // A string value is a JSON text ("{\"a\": 1}"), so YAML users can paste a document as it is.
    if (written->is_string() && written->get<std::string>().find("{{") == std::string::npos) {
      auto parsed = parse_output_json(written->get<std::string>());
      if (!parsed) {
        return reader.key_error("value", "is a string but not a JSON text: " + parsed.error().message);
      }
      document = std::move(*parsed);
    }
    auto templated = TemplatedJson::make(reader, "value", "value", std::move(document));
    if (!templated) {
      return fail(templated.error());
    }
    value = std::move(*templated);
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<JsonEquals>(std::move(value), parse_rendered, *threshold));
}

} // namespace evalgate
