#include <doctest/doctest.h>

#include "evaluators/heuristic/json_schema.hpp"
#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;

namespace {

const Json k_order_schema = Json::parse(R"({
  "type": "object",
  "required": ["id", "items"],
  "additionalProperties": false,
  "properties": {
    "id": {"type": "string", "pattern": "^ORD-[0-9]+$"},
    "note": {"type": "string", "maxLength": 5},
    "items": {"type": "array", "minItems": 1, "items": {
      "type": "object", "required": ["sku", "price"],
      "properties": {"sku": {"type": "string", "minLength": 1}, "price": {"type": "number", "minimum": 0}}}}
  }
})");

std::string reason_for(const std::string& output)
{
  return score_output({{"type", "json-schema"}, {"schema", k_order_schema}}, output).reason;
}

std::string violation(const Json& schema, const Json& instance)
{
  auto compiled = JsonSchema::compile(schema);
  REQUIRE(compiled);
  auto bad = compiled->validate(instance);
  return bad ? bad->str() : "valid";
}

} // namespace

TEST_CASE("json-schema passes an output that matches the schema")
{
  Score s = score_output({{"type", "json-schema"}, {"schema", k_order_schema}},
                         R"({"id": "ORD-12", "items": [{"sku": "A", "price": 3.5}]})");
  CHECK(s.pass);
  CHECK(s.reason == "output matches the schema");
}

TEST_CASE("json-schema names the first failing JSON pointer")
{
  CHECK(reason_for(R"({"id": "ORD-1", "items": [{"sku": "A", "price": 1}, {"sku": "B", "price": -1}]})") ==
        "schema violation at /items/1/price: must be >= 0, got -1");
  CHECK(reason_for(R"({"items": []})") == "schema violation at the root: required property 'id' is missing");
  CHECK(reason_for(R"({"id": "X-1", "items": [{"sku": "A", "price": 1}]})") ==
        "schema violation at /id: does not match pattern '^ORD-[0-9]+$'");
  CHECK(reason_for(R"({"id": "ORD-1", "items": []})") ==
        "schema violation at /items: must have at least 1 items, got 0");
  CHECK(reason_for(R"({"id": "ORD-1", "items": [{"sku": "A", "price": 1}], "debug": true})") ==
        "schema violation at /debug: property 'debug' is not allowed (additionalProperties: false)");
  CHECK(reason_for(R"([1, 2])") == "schema violation at the root: expected object, got array");
}

TEST_CASE("json-schema maxLength counts code points")
{
  CHECK(reason_for(R"({"id": "ORD-1", "note": "héllo", "items": [{"sku": "A", "price": 1}]})") ==
        "output matches the schema");
  CHECK(reason_for(R"({"id": "ORD-1", "note": "👍👍👍👍👍👍", "items": [{"sku": "A", "price": 1}]})") ==
        "schema violation at /note: must be at most 5 characters, got 6");
}

TEST_CASE("json-schema fails an output that is not JSON or is empty")
{
  Score s = score_output({{"type", "json-schema"}, {"schema", k_order_schema}}, "");
  CHECK_FALSE(s.pass);
  CHECK_FALSE(s.errored());
  CHECK(s.reason.rfind("output is not valid JSON: ", 0) == 0);
}

TEST_CASE("json-schema rejects unsupported keywords when the suite loads, naming the keyword and where")
{
  CHECK(
      build_error(
          {{"type", "json-schema"}, {"schema", {{"properties", {{"user", {{"$ref", "#/defs/u"}}}}}}}}) ==
      "evalgate.yaml:7:5: evaluator 'json-schema' key 'schema' has unsupported JSON Schema keyword '$ref' at "
      "/properties/user");
  CHECK(build_error({{"type", "json-schema"}, {"schema", {{"format", "email"}}}}) ==
        "evalgate.yaml:7:5: evaluator 'json-schema' key 'schema' has unsupported JSON Schema keyword "
        "'format' at the "
        "schema root");
  CHECK(build_error({{"type", "json-schema"}, {"schema", {{"type", "float"}}}}) ==
        "evalgate.yaml:7:5: evaluator 'json-schema' key 'schema' has keyword 'type' must name null, boolean, "
        "object, "
        "array, number, string or integer, got \"float\" at the schema root");
  CHECK(build_error({{"type", "json-schema"}, {"schema", {{"pattern", "("}}}}).find("is not a valid regex") !=
        std::string::npos);
  CHECK(build_error({{"type", "json-schema"}}) ==
        "evalgate.yaml:7:5: evaluator 'json-schema' needs 'schema' (the JSON Schema the output must match)");
}

TEST_CASE("json-schema type, enum and const")
{
  CHECK(violation({{"type", "integer"}}, 3.0) == "valid");
  CHECK(violation({{"type", "integer"}}, 3.5) == "at the root: expected integer, got number");
  CHECK(violation({{"type", {"string", "null"}}}, nullptr) == "valid");
  CHECK(violation({{"type", {"string", "null"}}}, 1) == "at the root: expected string or null, got integer");
  CHECK(violation({{"enum", {"c", "f"}}}, "k") == "at the root: \"k\" is not one of [\"c\",\"f\"]");
  CHECK(violation({{"const", 1}}, 1.0) == "valid");
  CHECK(violation({{"const", "x"}}, "y") == "at the root: expected \"x\", got \"y\"");
}

TEST_CASE("json-schema numeric and array keywords")
{
  CHECK(violation({{"exclusiveMinimum", 0}}, 0) == "at the root: must be > 0, got 0");
  CHECK(violation({{"exclusiveMaximum", 10}}, 10) == "at the root: must be < 10, got 10");
  CHECK(violation({{"maximum", 10}}, 10) == "valid");
  CHECK(violation({{"multipleOf", 0.5}}, 1.5) == "valid");
  CHECK(violation({{"multipleOf", 2}}, 3) == "at the root: must be a multiple of 2, got 3");
  CHECK(violation({{"maxItems", 1}}, {1, 2}) == "at the root: must have at most 1 items, got 2");
  CHECK(violation({{"uniqueItems", true}}, {1, 2, 1}) == "at /2: duplicates item 0");
  CHECK(violation({{"minLength", 2}}, "é") == "at the root: must be at least 2 characters, got 1");
}

TEST_CASE("json-schema anyOf, oneOf, allOf and not")
{
  const Json any = {{"anyOf", {{{"type", "string"}}, {{"type", "number"}}}}};
  CHECK(violation(any, 1) == "valid");
  CHECK(
      violation(any, true) ==
      "at the root: matches none of the 2 anyOf schemas (first: at the root: expected string, got boolean)");
  const Json one = {{"oneOf", {{{"type", "number"}}, {{"type", "integer"}}}}};
  CHECK(violation(one, 1.5) == "valid");
  CHECK(violation(one, 2) == "at the root: matches 2 of the 2 oneOf schemas, expected exactly 1");
  CHECK(violation({{"allOf", {{{"minimum", 1}}, {{"maximum", 3}}}}}, 4) ==
        "at the root: must be <= 3, got 4");
  CHECK(violation({{"not", {{"type", "null"}}}}, nullptr) == "at the root: must not match the 'not' schema");
  CHECK(violation(false, 1) == "at the root: no value is allowed here (schema false)");
  CHECK(violation(true, 1) == "valid");
}

TEST_CASE("json-schema escapes keys in JSON pointers")
{
  CHECK(violation({{"properties", {{"a/b", {{"type", "string"}}}}}}, {{"a/b", 1}}) ==
        "at /a~1b: expected string, got integer");
}

TEST_CASE("json-schema handles a huge array")
{
  Json big = Json::array();
  for (int i = 0; i < 100000; ++i) {
    big.push_back(i);
  }
  big.push_back("x");
  CHECK(violation({{"items", {{"type", "integer"}}}}, big) == "at /100000: expected integer, got string");
}

TEST_CASE("json-equals compares structure, ignoring key order and number spelling")
{
  const Json config = {{"type", "json-equals"}, {"value", {{"a", 1}, {"b", {1, 2}}}}};
  CHECK(score_output(config, R"({"b": [1.0, 2], "a": 1.0})").pass);
  CHECK(score_output(config, R"({"b": [1, 3], "a": 1})").reason == "JSON differs at /b/1: expected 2, got 3");
  CHECK(score_output(config, R"({"b": [1, 2]})").reason == "JSON differs at the root: missing key 'a'");
  CHECK(score_output(config, R"({"a": 1, "b": [1, 2], "c": 0})").reason ==
        "JSON differs at the root: unexpected key 'c'");
  CHECK(score_output(config, R"({"a": "1", "b": [1, 2]})").reason ==
        "JSON differs at /a: expected number 1, got string \"1\"");
  CHECK(score_output(config, "").reason.rfind("output is not valid JSON", 0) == 0);
}

TEST_CASE("json-equals reads a string value as a JSON text and templated values per case")
{
  CHECK(score_output({{"type", "json-equals"}, {"value", R"({"x": [1]})"}}, R"({"x":[1]})").pass);
  CHECK(build_error({{"type", "json-equals"}, {"value", "{oops"}})
            .rfind("evalgate.yaml:7:5: evaluator 'json-equals' key 'value' is a string but not a JSON text: ",
                   0) == 0);
  Score s = score_output({{"type", "json-equals"}, {"value", "{{doc}}"}}, R"({"ü": "日本"})",
                         {{"doc", R"({"ü":"日本"})"}});
  CHECK(s.pass);
}

TEST_CASE("json-equals falls back to the case's expected parsed as JSON")
{
  auto built = make_evaluator(evalgate::testing::spec_of({{"type", "json-equals"}}));
  REQUIRE(built);
  Case test_case;
  Trial trial;
  trial.output = "[1, 2]";
  test_case.expected = "[1,2]";
  CHECK((*built)->evaluate({test_case, trial}).pass);
  test_case.expected = "not json";
  Score bad = (*built)->evaluate({test_case, trial});
  CHECK(bad.errored());
  CHECK(bad.error.rfind("the case's expected is not valid JSON: ", 0) == 0);
  test_case.expected.reset();
  CHECK((*built)->evaluate({test_case, trial}).error ==
        "no reference: set `value` or give the case an `expected` field");
}
