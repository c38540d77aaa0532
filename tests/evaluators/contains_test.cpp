#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;

TEST_CASE("contains passes when the output holds the value")
{
  Score s = score_output({{"type", "contains"}, {"value", "refund"}}, "We will refund you.");
  CHECK(s.pass);
  CHECK(s.value == 1.0);
  CHECK(s.threshold == 1.0);
  CHECK(s.metric == "contains");
  CHECK(s.reason == "contains 'refund'");
}

TEST_CASE("contains fails with what it looked for")
{
  Score s = score_output({{"type", "contains"}, {"value", "refund"}}, "Sorry, no.");
  CHECK_FALSE(s.pass);
  CHECK(s.value == 0.0);
  CHECK(s.reason == "expected to contain 'refund' — not found");
}

TEST_CASE("contains is case-sensitive")
{
  CHECK_FALSE(score_output({{"type", "contains"}, {"value", "Refund"}}, "refund").pass);
}

TEST_CASE("contains renders its value against the case vars")
{
  Json vars = {{"keyword", "iban"}};
  CHECK(score_output({{"type", "contains"}, {"value", "{{keyword}}"}}, "your iban is", vars).pass);
  Score s = score_output({{"type", "contains"}, {"value", "{{keyword}}"}}, "nothing", vars);
  CHECK(s.reason == "expected to contain 'iban' — not found");
}

TEST_CASE("a missing template variable is an errored score that does not pass")
{
  Score s = score_output({{"type", "contains"}, {"value", "{{keyword}}"}}, "keyword");
  CHECK(s.errored());
  CHECK_FALSE(s.pass);
  CHECK(s.value == 0.0);
  CHECK(s.error == "value: missing variable 'keyword'");
}

TEST_CASE("contains without value names the missing key")
{
  CHECK(build_error({{"type", "contains"}}) ==
        "evalgate.yaml:7:5: evaluator 'contains' needs 'value' (the text to look for)");
}

TEST_CASE("icontains ignores ASCII case")
{
  Score s = score_output({{"type", "icontains"}, {"value", "REFUND"}}, "We will Refund you.");
  CHECK(s.pass);
  CHECK(s.reason == "contains 'REFUND' (ignoring case)");
  Score miss = score_output({{"type", "icontains"}, {"value", "iban"}}, "no account details");
  CHECK_FALSE(miss.pass);
  CHECK(miss.reason == "expected to contain 'iban' (ignoring case) — not found");
}

TEST_CASE("icontains renders its value per case")
{
  CHECK(score_output({{"type", "icontains"}, {"value", "{{k}}"}}, "HELLO world", {{"k", "hello"}}).pass);
  CHECK(score_output({{"type", "icontains"}, {"value", "{{k}}"}}, "HELLO").error == "value: missing variable 'k'");
}

TEST_CASE("starts-with checks the beginning of the output")
{
  Score s = score_output({{"type", "starts-with"}, {"value", "Dear"}}, "Dear customer,");
  CHECK(s.pass);
  CHECK(s.reason == "starts with 'Dear'");
  Score miss = score_output({{"type", "starts-with"}, {"value", "Dear"}}, "Hello there\nfriend");
  CHECK_FALSE(miss.pass);
  CHECK(miss.reason == "expected to start with 'Dear' — got 'Hello there\\nfriend'");
}

TEST_CASE("starts-with on an output shorter than the prefix fails")
{
  CHECK_FALSE(score_output({{"type", "starts-with"}, {"value", "Dear customer"}}, "Dear").pass);
}

TEST_CASE("a numeric value is looked for as its text")
{
  CHECK(score_output({{"type", "contains"}, {"value", 42}}, "answer: 42").pass);
}

TEST_CASE("a value of the wrong type is a config error")
{
  CHECK(build_error({{"type", "contains"}, {"value", Json::array({"a"})}}) ==
        "evalgate.yaml:7:5: evaluator 'contains' key 'value' must be a string, got array");
}

TEST_CASE("an unbalanced placeholder is a config error at load")
{
  CHECK(build_error({{"type", "contains"}, {"value", "{{keyword"}}) ==
        "evalgate.yaml:7:5: evaluator 'contains' key 'value' has a bad placeholder: unbalanced '{{' at offset 1: "
        "no closing '}}'");
}

TEST_CASE("an empty value is rejected because every output contains it")
{
  CHECK(build_error({{"type", "contains"}, {"value", ""}}) ==
        "evalgate.yaml:7:5: evaluator 'contains' key 'value' must not be empty");
  Score s = score_output({{"type", "starts-with"}, {"value", "{{greeting}}"}}, "Hi", {{"greeting", ""}});
  CHECK(s.errored());
  CHECK_FALSE(s.pass);
  CHECK(s.error == "value: rendered to an empty string");
}
