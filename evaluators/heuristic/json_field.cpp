// json-field: the output parses as JSON and the field at `path` equals `value` (strict JSON
// equality; string leaves of `value` templated). Without `value`, the field only has to exist.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/json_path.hpp"
#include "evaluators/json_output.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class JsonField final : public Evaluator {
public:
  JsonField(JsonPath path, std::optional<TemplatedJson> value, double threshold)
    : m_path(std::move(path)), m_value(std::move(value)), m_threshold(threshold)
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    std::optional<Json> expected;
    if (m_value) {
      auto rendered = m_value->render(input.test_case.vars);
      if (!rendered) {
        return errored_score(m_threshold, rendered.error().message);
      }
      expected = std::move(*rendered);
    }
    const std::string path = m_path.str();
    auto document = parse_output_json(input.trial.output);
    if (!document) {
      return binary_score(false, m_threshold, "output is not valid JSON: " + document.error().message);
    }
    std::string why;
    const Json* field = m_path.find(*document, why);
    if (field == nullptr) {
      return binary_score(false, m_threshold, "path " + path + " not found: " + why);
    }
    if (!expected) {
      return binary_score(true, m_threshold, path + " is present");
    }
    if (*field == *expected) {
      return binary_score(true, m_threshold, path + " equals " + json_snippet(*expected));
    }
    return binary_score(false, m_threshold,
                        "expected " + path + " to equal " + json_snippet(*expected) + " — got " +
                          json_snippet(*field));
  }

private:
  JsonPath m_path;
  std::optional<TemplatedJson> m_value;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_json_field(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"path", "value"}); !ok) {
    return fail(ok.error());
  }
  auto path_json = reader.require("path", "the field to check, e.g. $.order.items[0].sku");
  if (!path_json) {
    return fail(path_json.error());
  }
  auto path_text = reader.string_of("path", **path_json);
  if (!path_text) {
    return fail(path_text.error());
  }
  auto path = JsonPath::parse(*path_text);
  if (!path) {
    return reader.key_error("path", "is not a valid path (" + path.error().message +
                                      "); expected e.g. $.order.items[0].sku");
  }
  std::optional<TemplatedJson> value;
  if (const Json* written = reader.find("value")) {
    auto templated = TemplatedJson::make(reader, "value", "value", *written);
    if (!templated) {
      return fail(templated.error());
    }
    value = std::move(*templated);
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<JsonField>(std::move(*path), std::move(value), *threshold));
}

} // namespace evalgate
