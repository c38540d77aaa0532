#include <doctest/doctest.h>

#include <string>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::score_output;

TEST_CASE("equals passes only on the exact output")
{
  Score s = score_output({{"type", "equals"}, {"value", "Paris"}}, "Paris");
  CHECK(s.pass);
  CHECK(s.reason == "equals 'Paris'");
  Score miss = score_output({{"type", "equals"}, {"value", "Paris"}}, "paris.");
  CHECK_FALSE(miss.pass);
  CHECK(miss.value == 0.0);
  CHECK(miss.reason == "expected output to equal 'Paris' — got 'paris.' (6 chars)");
}

TEST_CASE("equals truncates long outputs in its reason")
{
  const std::string output(200, 'x');
  Score s = score_output({{"type", "equals"}, {"value", "short"}}, output);
  CHECK(s.reason == "expected output to equal 'short' — got '" + std::string(80, 'x') + "…' (200 chars)");
}

TEST_CASE("equals renders the expected text from the case")
{
  Json vars = {{"expected", "Paris"}};
  CHECK(score_output({{"type", "equals"}, {"value", "{{expected}}"}}, "Paris", vars).pass);
  CHECK_FALSE(score_output({{"type", "equals"}, {"value", "{{expected}}"}}, "Lyon", vars).pass);
}

TEST_CASE("equals with a non-string value compares the output as JSON")
{
  Json value = {{"city", "Paris"}, {"n", 1}};
  CHECK(score_output({{"type", "equals"}, {"value", value}}, R"({ "n": 1.0, "city": "Paris" })").pass);
  Score s = score_output({{"type", "equals"}, {"value", value}}, R"({"n": 2, "city": "Paris"})");
  CHECK_FALSE(s.pass);
  CHECK(s.reason == R"(expected output to equal JSON {"city":"Paris","n":1} — got {"city":"Paris","n":2})");
}

TEST_CASE("equals with a number value fails on an output that is not JSON")
{
  Score s = score_output({{"type", "equals"}, {"value", 42}}, "forty-two");
  CHECK_FALSE(s.pass);
  CHECK(s.reason.rfind("expected output to equal JSON 42 — output is not valid JSON: parse error at line 1, column 2", 0) == 0);
  CHECK(score_output({{"type", "equals"}, {"value", 42}}, " 42\n").pass);
}

TEST_CASE("equals renders string leaves of a JSON value, keeping a whole-placeholder var's type")
{
  Json value = {{"city", "{{city}}"}, {"n", "{{n}}"}};
  Json vars = {{"city", "Paris"}, {"n", 3}};
  CHECK(score_output({{"type", "equals"}, {"value", value}}, R"({"city":"Paris","n":3})", vars).pass);
  Score s = score_output({{"type", "equals"}, {"value", value}}, R"({"city":"Paris","n":3})", {{"city", "Paris"}});
  CHECK(s.errored());
  CHECK(s.error == "value: missing variable 'n'");
}
