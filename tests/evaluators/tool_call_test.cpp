#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;

namespace {

const Json k_tools = Json::parse(R"([
  {"name": "get_weather", "parameters": {"type": "object", "required": ["city"],
    "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}}}},
  {"type": "function", "function": {"name": "search", "parameters": {"type": "object"}}}
])");

Score check(const std::string& output, const Json& extra = Json::object())
{
  Json config = {{"type", "tool-call"}, {"tools", k_tools}};
  config.update(extra);
  return score_output(config, output);
}

} // namespace

TEST_CASE("tool-call accepts OpenAI's tool_calls shape with string arguments")
{
  Score s = check(R"([{"id": "call_1", "type": "function",
                      "function": {"name": "get_weather", "arguments": "{\"city\": \"Oslo\"}"}},
                     {"id": "call_2", "type": "function", "function": {"name": "search", "arguments": "{}"}}])");
  CHECK(s.pass);
  CHECK(s.reason == "2 valid tool calls: get_weather, search");
}

TEST_CASE("tool-call accepts a message with tool_calls and the {name, arguments} shape")
{
  CHECK(check(R"({"role": "assistant", "tool_calls": [{"type": "function",
                 "function": {"name": "search", "arguments": "{}"}}]})")
            .pass);
  Score s = check(R"({"name": "get_weather", "arguments": {"city": "Zürich", "unit": "c"}})");
  CHECK(s.pass);
  CHECK(s.reason == "1 valid tool call: get_weather");
}

TEST_CASE("tool-call fails undeclared tools, bad arguments and unparsable arguments")
{
  CHECK(check(R"({"name": "get_wether", "arguments": {}})").reason ==
        "tool call 0 'get_wether' is not a declared tool; declared: 'get_weather', 'search'");
  CHECK(check(R"({"name": "get_weather", "arguments": {"city": "Oslo", "unit": "k"}})").reason ==
        "tool call 0 'get_weather' arguments at /unit: \"k\" is not one of [\"c\",\"f\"]");
  CHECK(check(R"({"name": "get_weather", "arguments": {}})").reason ==
        "tool call 0 'get_weather' arguments at the root: required property 'city' is missing");
  CHECK(check(R"({"name": "get_weather", "arguments": "{city: Oslo}"})")
            .reason.rfind("tool call 0 'get_weather' arguments are not valid JSON: ", 0) == 0);
  CHECK(check(R"({"tool": "x"})").reason.rfind("tool call 0 has no \"name\"", 0) == 0);
  CHECK(check("[]").reason == "output has no tool calls");
  CHECK(check("").reason.rfind("output is not valid JSON: ", 0) == 0);
}

TEST_CASE("tool-call expect requires a call to the named tool")
{
  CHECK(check(R"({"name": "search", "arguments": {}})", {{"expect", "get_weather"}}).reason ==
        "expected a call to 'get_weather' — got search");
  CHECK(check(R"({"name": "get_weather", "arguments": {"city": "Oslo"}})", {{"expect", "get_weather"}}).pass);
}

TEST_CASE("tool-call config errors")
{
  CHECK(build_error({{"type", "tool-call"}}) == "evalgate.yaml:7:5: evaluator 'tool-call' needs 'tools' (the "
                                                "declared tools: name and parameters schema)");
  CHECK(build_error({{"type", "tool-call"}, {"tools", Json::array()}}) ==
        "evalgate.yaml:7:5: evaluator 'tool-call' key 'tools' must be a non-empty list of tools ({name, "
        "parameters})");
  CHECK(build_error({{"type", "tool-call"}, {"tools", {{{"name", "a"}, {"parameters", {{"$ref", "#"}}}}}}}) ==
        "evalgate.yaml:7:5: evaluator 'tool-call' key 'tools' tool 'a' parameters have unsupported JSON "
        "Schema keyword "
        "'$ref' at the schema root");
  CHECK(build_error({{"type", "tool-call"}, {"tools", {{{"name", "a"}}, {{"name", "a"}}}}}) ==
        "evalgate.yaml:7:5: evaluator 'tool-call' key 'tools' declares tool 'a' twice");
  CHECK(build_error({{"type", "tool-call"}, {"tools", {{{"name", "a"}}}}, {"expect", "b"}}) ==
        "evalgate.yaml:7:5: evaluator 'tool-call' key 'expect' names 'b', which is not among the declared "
        "tools");
}
