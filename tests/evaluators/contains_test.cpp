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
