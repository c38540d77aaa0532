#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;

namespace {
const char* k_order = R"({"order": {"id": 7, "status": "shipped", "items": [{"sku": "A-1", "qty": 2}], "gift": false}})";
}

TEST_CASE("is-json passes on strict JSON and reports where parsing failed")
{
  Score s = score_output({{"type", "is-json"}}, R"( {"a": [1, 2]} )");
  CHECK(s.pass);
  CHECK(s.reason == "output is valid JSON");
  Score bad = score_output({{"type", "is-json"}}, R"({"a": 1,})");
  CHECK_FALSE(bad.pass);
  CHECK(bad.reason == "output is not valid JSON: parse error at line 1, column 9: syntax error while parsing object "
                     "key - unexpected '}'; expected string literal");
}

TEST_CASE("is-json rejects comments and empty output")
{
  CHECK_FALSE(score_output({{"type", "is-json"}}, "{\"a\": 1} // ok").pass);
  CHECK_FALSE(score_output({{"type", "is-json"}}, "").pass);
}

TEST_CASE("is-json takes no value")
{
  CHECK(build_error({{"type", "is-json"}, {"value", true}}) ==
        "evalgate.yaml:7:5: unknown key 'value' in evaluator 'is-json'; expected one of: name, threshold, type");
}

TEST_CASE("json-field follows dotted paths with array indices and an optional $.")
{
  Score s = score_output({{"type", "json-field"}, {"path", "$.order.items[0].sku"}, {"value", "A-1"}}, k_order);
  CHECK(s.pass);
  CHECK(s.reason == R"($.order.items[0].sku equals "A-1")");
  CHECK(score_output({{"type", "json-field"}, {"path", "order.status"}, {"value", "shipped"}}, k_order).pass);
  CHECK(score_output({{"type", "json-field"}, {"path", "order.items[0].qty"}, {"value", 2}}, k_order).pass);
  CHECK(score_output({{"type", "json-field"}, {"path", "$.order.gift"}, {"value", false}}, k_order).pass);
  CHECK(score_output({{"type", "json-field"}, {"path", "$[1]"}, {"value", "b"}}, R"(["a","b"])").pass);
}

TEST_CASE("json-field compares with strict JSON equality")
{
  Score s = score_output({{"type", "json-field"}, {"path", "$.order.id"}, {"value", "7"}}, k_order);
  CHECK_FALSE(s.pass);
  CHECK(s.reason == R"(expected $.order.id to equal "7" — got 7)");
  Score other = score_output({{"type", "json-field"}, {"path", "$.order.status"}, {"value", "pending"}}, k_order);
  CHECK(other.reason == R"(expected $.order.status to equal "pending" — got "shipped")");
}

TEST_CASE("json-field explains a missing path")
{
  Json base = {{"type", "json-field"}, {"value", 1}};
  auto reason = [&](const char* path) {
    Json config = base;
    config["path"] = path;
    return score_output(config, k_order).reason;
  };
  CHECK(reason("$.order.total") == "path $.order.total not found: $.order has no key 'total'");
  CHECK(reason("$.order.items[3].sku") == "path $.order.items[3].sku not found: $.order.items has no index 3 (1 element)");
  CHECK(reason("$.order.status.code") == "path $.order.status.code not found: $.order.status is a string, not an object");
  CHECK(reason("$.order[0]") == "path $.order[0] not found: $.order is an object, not an array");
}

TEST_CASE("json-field fails on an output that is not JSON")
{
  Score s = score_output({{"type", "json-field"}, {"path", "a"}, {"value", 1}}, "Sure! {\"a\": 1}");
  CHECK_FALSE(s.pass);
  CHECK(s.reason.rfind("output is not valid JSON: parse error at line 1, column 1: ", 0) == 0);
}

TEST_CASE("json-field templates string values and keeps a whole placeholder's type")
{
  Json vars = {{"sku", "A-1"}, {"qty", 2}, {"qty_text", "2"}};
  CHECK(score_output({{"type", "json-field"}, {"path", "order.items[0].sku"}, {"value", "{{sku}}"}}, k_order, vars).pass);
  CHECK(score_output({{"type", "json-field"}, {"path", "order.items[0].qty"}, {"value", "{{qty}}"}}, k_order, vars).pass);
  CHECK_FALSE(
    score_output({{"type", "json-field"}, {"path", "order.items[0].qty"}, {"value", "{{qty_text}}"}}, k_order, vars).pass);
  Score missing = score_output({{"type", "json-field"}, {"path", "order.id"}, {"value", "{{id}}"}}, k_order);
  CHECK(missing.error == "value: missing variable 'id'");
}

TEST_CASE("json-field without a value checks that the field exists")
{
  Score s = score_output({{"type", "json-field"}, {"path", "order.id"}}, k_order);
  CHECK(s.pass);
  CHECK(s.reason == "$.order.id is present");
}

TEST_CASE("json-field rejects a malformed path at load")
{
  CHECK(build_error({{"type", "json-field"}, {"path", "$.order..id"}}) ==
        "evalgate.yaml:7:5: evaluator 'json-field' key 'path' is not a valid path (empty key at offset 9); "
        "expected e.g. $.order.items[0].sku");
  CHECK(build_error({{"type", "json-field"}, {"path", "items[x]"}}) ==
        "evalgate.yaml:7:5: evaluator 'json-field' key 'path' is not a valid path (index at offset 6 must be a "
        "whole number like [0]); expected e.g. $.order.items[0].sku");
  CHECK(build_error({{"type", "json-field"}, {"value", 1}}) ==
        "evalgate.yaml:7:5: evaluator 'json-field' needs 'path' (the field to check, e.g. $.order.items[0].sku)");
}
