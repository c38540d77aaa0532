// tool-call: the output holds tool calls that parse and match the declared tools. The output is
// JSON in one of these shapes: OpenAI's message.tool_calls list ([{"id","type":"function",
// "function":{"name","arguments"}}]), a message object with "tool_calls", one such call, or
// {"name","arguments"} (one, or a list). "arguments" may be an object or a JSON text. Each call
// must name a tool in `tools` and its arguments must validate against that tool's `parameters`
// schema (json_schema.hpp). `expect` (optional) names a tool that must be among the calls.
#include <map>
#include <optional>
#include <vector>

#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/json_schema.hpp"
#include "evaluators/json_output.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

struct Call {
  std::string name;
  Json arguments;
};

// The calls in `document`, or an error saying why it is not a tool-call document.
Result<std::vector<Call>> read_calls(const Json& document)
{
  Json list = document;
  if (document.is_object() && document.contains("tool_calls")) {
    list = document["tool_calls"];
  }
  if (!list.is_array()) {
    list = Json::array({list});
  }
  std::vector<Call> calls;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& item = list[i];
    const std::string where = "tool call " + std::to_string(i);
    const Json* body = &item;
    if (item.is_object() && item.contains("function") && item["function"].is_object()) {
      body = &item["function"];
    }
    if (!body->is_object() || !body->contains("name") || !(*body)["name"].is_string()) {
      return fail(ErrorCategory::data, where +
                                           " has no \"name\" (expected {\"name\", \"arguments\"} or OpenAI's "
                                           "{\"type\": \"function\", \"function\": {...}})");
    }
    Call call;
    call.name = (*body)["name"].get<std::string>();
    call.arguments = body->contains("arguments") ? (*body)["arguments"] : Json::object();
    if (call.arguments.is_string()) {
      auto parsed = parse_output_json(call.arguments.get<std::string>());
      if (!parsed) {
        return fail(ErrorCategory::data,
                    where + " '" + call.name + "' arguments are not valid JSON: " + parsed.error().message);
      }
      call.arguments = std::move(*parsed);
    }
    calls.push_back(std::move(call));
  }
  return calls;
}

class ToolCall final : public Evaluator {
public:
  ToolCall(std::map<std::string, JsonSchema> tools, std::optional<std::string> expect, double threshold)
      : m_tools(std::move(tools)), m_expect(std::move(expect)), m_threshold(threshold)
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    auto document = parse_output_json(input.trial.output);
    if (!document) {
      return binary_score(false, m_threshold, "output is not valid JSON: " + document.error().message);
    }
    auto calls = read_calls(*document);
    if (!calls) {
      return binary_score(false, m_threshold, calls.error().message);
    }
    if (calls->empty()) {
      return binary_score(false, m_threshold, "output has no tool calls");
    }
    std::string names;
    bool expected_seen = !m_expect;
    for (std::size_t i = 0; i < calls->size(); ++i) {
      const Call& call = (*calls)[i];
      const std::string where = "tool call " + std::to_string(i) + " '" + call.name + "'";
      auto tool = m_tools.find(call.name);
      if (tool == m_tools.end()) {
        return binary_score(false, m_threshold, where + " is not a declared tool; declared: " + declared());
      }
      if (auto bad = tool->second.validate(call.arguments)) {
        return binary_score(false, m_threshold, where + " arguments " + bad->str());
      }
      expected_seen = expected_seen || call.name == *m_expect;
      names += (names.empty() ? "" : ", ") + call.name;
    }
    if (!expected_seen) {
      return binary_score(false, m_threshold, "expected a call to '" + *m_expect + "' — got " + names);
    }
    const std::size_t n = calls->size();
    return binary_score(true, m_threshold,
                        std::to_string(n) + (n == 1 ? " valid tool call: " : " valid tool calls: ") + names);
  }

private:
  std::string declared() const
  {
    std::vector<std::string> names;
    for (const auto& entry : m_tools) {
      names.push_back(entry.first);
    }
    return quoted_list(names);
  }

  std::map<std::string, JsonSchema> m_tools;
  std::optional<std::string> m_expect;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_tool_call(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"expect", "tools"}); !ok) {
    return fail(ok.error());
  }
  auto written = reader.require("tools", "the declared tools: name and parameters schema");
  if (!written) {
    return fail(written.error());
  }
  if (!(*written)->is_array() || (*written)->empty()) {
    return reader.key_error("tools", "must be a non-empty list of tools ({name, parameters})");
  }
  std::map<std::string, JsonSchema> tools;
  for (std::size_t i = 0; i < (*written)->size(); ++i) {
    const Json& entry = (**written)[i];
    // OpenAI's request shape {"type": "function", "function": {...}} is accepted as it is.
    const Json& tool = entry.is_object() && entry.contains("function") ? entry["function"] : entry;
    if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) {
      return reader.key_error("tools", "entry " + std::to_string(i) + " needs a string 'name'");
    }
    const std::string name = tool["name"].get<std::string>();
    auto schema = JsonSchema::compile(tool.contains("parameters") ? tool["parameters"] : Json(true));
    if (!schema) {
      return reader.key_error("tools", "tool '" + name + "' parameters have " + schema.error().message);
    }
    if (!tools.emplace(name, std::move(*schema)).second) {
      return reader.key_error("tools", "declares tool '" + name + "' twice");
    }
  }
  std::optional<std::string> expect;
  if (const Json* e = reader.find("expect")) {
    auto text = reader.string_of("expect", *e);
    if (!text) {
      return fail(text.error());
    }
    if (tools.count(*text) == 0) {
      return reader.key_error("expect", "names '" + *text + "', which is not among the declared tools");
    }
    expect = *text;
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<ToolCall>(std::move(tools), std::move(expect), *threshold));
}

} // namespace evalgate
