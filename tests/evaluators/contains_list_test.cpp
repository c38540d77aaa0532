#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;

TEST_CASE("contains-all scores the fraction found and names what is missing")
{
  Json config = {{"type", "contains-all"}, {"value", {"refund", "days", "receipt", "iban"}}};
  Score s = score_output(config, "Your refund takes 5 days; keep the receipt.");
  CHECK_FALSE(s.pass);
  CHECK(s.value == doctest::Approx(0.75));
  CHECK(s.threshold == 1.0);
  CHECK(s.reason == "3/4 found; missing: 'iban'");
  Score all = score_output(config, "refund days receipt iban");
  CHECK(all.pass);
  CHECK(all.reason == "all 4 found");
}

TEST_CASE("contains-all passes below 1 when a threshold allows it")
{
  Json config = {{"type", "contains-all"}, {"value", {"a", "b", "c", "d"}}, {"threshold", 0.75}};
  CHECK(score_output(config, "a b c").pass);
  CHECK_FALSE(score_output(config, "a b").pass);
}

TEST_CASE("contains-all accepts one comma-separated string")
{
  Score s = score_output({{"type", "contains-all"}, {"value", "refund, iban ,swift"}}, "refund and swift");
  CHECK(s.value == doctest::Approx(2.0 / 3.0));
  CHECK(s.reason == "2/3 found; missing: 'iban'");
}

TEST_CASE("a comma-separated value is split after rendering, so a dataset column can hold the list")
{
  Json vars = {{"keywords", "refund, iban"}};
  Score s = score_output({{"type", "contains-all"}, {"value", "{{keywords}}"}}, "refund only", vars);
  CHECK(s.reason == "1/2 found; missing: 'iban'");
}

TEST_CASE("list items are templated one by one and never split")
{
  Json vars = {{"a", "x, y"}};
  Score s = score_output({{"type", "contains-all"}, {"value", {"{{a}}", "z"}}}, "x, y and z", vars);
  CHECK(s.pass);
  Score missing = score_output({{"type", "contains-all"}, {"value", {"z", "{{b}}"}}}, "z", vars);
  CHECK(missing.errored());
  CHECK(missing.error == "value[2]: missing variable 'b'");
}

TEST_CASE("contains-any passes when one string is found")
{
  Json config = {{"type", "contains-any"}, {"value", {"refund", "credit"}}};
  Score s = score_output(config, "store credit issued");
  CHECK(s.pass);
  CHECK(s.value == 1.0);
  CHECK(s.reason == "contains 'credit'");
  Score miss = score_output(config, "nothing to see");
  CHECK_FALSE(miss.pass);
  CHECK(miss.value == 0.0);
  CHECK(miss.reason == "expected to contain any of 'refund', 'credit' — none found");
}

TEST_CASE("contains-any accepts one comma-separated string")
{
  CHECK(score_output({{"type", "contains-any"}, {"value", "refund,credit"}}, "a refund").pass);
}

TEST_CASE("contains-any and contains-all reject an empty list")
{
  CHECK(build_error({{"type", "contains-any"}, {"value", Json::array()}}) ==
        "evalgate.yaml:7:5: evaluator 'contains-any' key 'value' must list at least one string");
  CHECK(build_error({{"type", "contains-all"}, {"value", " , "}}) ==
        "evalgate.yaml:7:5: evaluator 'contains-all' key 'value' must list at least one string");
}

TEST_CASE("contains-all rejects a list item that is not a string")
{
  CHECK(build_error({{"type", "contains-all"}, {"value", {"a", Json::object()}}}) ==
        "evalgate.yaml:7:5: evaluator 'contains-all' key 'value' item 2 must be a string, got object");
  CHECK(build_error({{"type", "contains-all"}, {"value", true}}) ==
        "evalgate.yaml:7:5: evaluator 'contains-all' key 'value' must be a list of strings or a "
        "comma-separated string, got boolean");
}

TEST_CASE("a rendered value that leaves nothing to look for is an errored score")
{
  Score s = score_output({{"type", "contains-any"}, {"value", "{{k}}"}}, "x", {{"k", ""}});
  CHECK(s.errored());
  CHECK(s.error == "value: nothing to look for after rendering");
  CHECK_FALSE(s.pass);
}

TEST_CASE("contains-all needs a value")
{
  CHECK(build_error({{"type", "contains-all"}}) ==
        "evalgate.yaml:7:5: evaluator 'contains-all' needs 'value' (a list of strings, or one comma-separated string)");
}
