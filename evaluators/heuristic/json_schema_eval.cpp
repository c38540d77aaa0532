// json-schema: the output parses as JSON and validates against the JSON Schema in `schema`
// (keywords: json_schema.hpp). The reason names the first failing JSON pointer.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/json_schema.hpp"
#include "evaluators/json_output.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

namespace {

class JsonSchemaEvaluator final : public Evaluator {
public:
  JsonSchemaEvaluator(JsonSchema schema, double threshold)
      : m_schema(std::move(schema)), m_threshold(threshold)
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    auto parsed = parse_output_json(input.trial.output);
    if (!parsed) {
      return binary_score(false, m_threshold, "output is not valid JSON: " + parsed.error().message);
    }
    if (auto bad = m_schema.validate(*parsed)) {
      return binary_score(false, m_threshold, "schema violation " + bad->str());
    }
    return binary_score(true, m_threshold, "output matches the schema");
  }

private:
  JsonSchema m_schema;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_json_schema(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"schema"}); !ok) {
    return fail(ok.error());
  }
  auto written = reader.require("schema", "the JSON Schema the output must match");
  if (!written) {
    return fail(written.error());
  }
  auto schema = JsonSchema::compile(**written);
  if (!schema) {
    return reader.key_error("schema", "has " + schema.error().message);
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<JsonSchemaEvaluator>(std::move(*schema), *threshold));
}

} // namespace evalgate
