#include <doctest/doctest.h>

#include <string>

#include "core/types.hpp"

using evalgate::Case;
using evalgate::CaseList;
using evalgate::EvaluatorSpec;
using evalgate::Json;

namespace {

Case full_case()
{
  Case c;
  c.id = "refund-7";
  c.dataset = "data/cases.yaml";
  c.row = 7;
  c.vars = Json{{"id", "refund-7"},
                {"question", "How do refunds work?"},
                {"n", 3},
                {"neg", -2},
                {"ratio", 0.1},
                {"big", 1e300},
                {"flag", true},
                {"nested", {{"a", Json::array({1, "x", nullptr})}}},
                {"bytes", std::string("\xff\xfe raw")}};
  c.expected = "Within 30 days.";
  c.context = Json::array({"policy A", "policy B"});
  c.tags = {"billing", "refunds"};
  c.metadata = Json{{"owner", "support"}};
  c.evaluators.push_back(EvaluatorSpec{
      "contains", "mentions-days", Json{{"value", "days"}}, {"data/cases.yaml", 9, 5, 0, "evaluators[0]"}});
  c.location = {"data/cases.yaml", 7, 3, 0, ""};
  return c;
}

void check_same(const Case& got, const Case& want)
{
  CHECK(got.id == want.id);
  CHECK(got.dataset == want.dataset);
  CHECK(got.row == want.row);
  CHECK(got.vars == want.vars);
  CHECK(got.vars.dump(-1, ' ', false, Json::error_handler_t::replace) ==
        want.vars.dump(-1, ' ', false, Json::error_handler_t::replace));
  CHECK(got.expected == want.expected);
  CHECK(got.context == want.context);
  CHECK(got.tags == want.tags);
  CHECK(got.metadata == want.metadata);
  REQUIRE(got.evaluators.size() == want.evaluators.size());
  for (std::size_t i = 0; i < got.evaluators.size(); ++i) {
    CHECK(got.evaluators[i].type == want.evaluators[i].type);
    CHECK(got.evaluators[i].name == want.evaluators[i].name);
    CHECK(got.evaluators[i].config == want.evaluators[i].config);
    CHECK(got.evaluators[i].location.str() == want.evaluators[i].location.str());
  }
  CHECK(got.location.str() == want.location.str());
  CHECK(got.location.row == want.location.row);
}

} // namespace

TEST_CASE("a case list gives back every field of the cases pushed into it")
{
  Case minimal;
  minimal.id = "cases-2";
  minimal.dataset = "cases.jsonl";
  minimal.row = 2;
  minimal.location = {"cases.jsonl", 0, 0, 2, ""};
  const Case full = full_case();

  CaseList list;
  CHECK(list.empty());
  list.push_back(minimal);
  list.push_back(full);
  REQUIRE(list.size() == 2);
  check_same(list[0], minimal);
  check_same(list[1], full);
  CHECK(list[0].metadata.is_object()); // an absent field keeps Case's defaults: {} and null
  CHECK(list[0].context.is_null());
  CHECK_FALSE(list[0].expected.has_value());
  CHECK(list.id(1) == "refund-7");
  CHECK_FALSE(list.has_evaluators(0));
  CHECK(list.has_evaluators(1));
}

TEST_CASE("a case list holds many cases across chunks, copies and iterates in order")
{
  CaseList list;
  // Up to 570 KB a case: several cases per 256 KiB chunk, and cases bigger than a chunk.
  for (int i = 0; i < 20; ++i) {
    Case c;
    c.id = "c" + std::to_string(i);
    c.vars = Json{{"text", std::string(static_cast<std::size_t>(i) * 30000, 'x')}};
    list.push_back(c);
  }
  const std::string_view first_id = list.id(0); // views stay valid as the list grows
  Case huge;
  huge.id = "huge";
  huge.vars = Json{{"text", std::string(600000, 'y')}};
  list.push_back(huge);
  CHECK(first_id == "c0");

  const CaseList copy = list;
  list.clear();
  CHECK(list.empty());
  REQUIRE(copy.size() == 21);
  int i = 0;
  for (const Case& c : copy) {
    if (i < 20) {
      CHECK(c.id == "c" + std::to_string(i));
      CHECK(c.vars.at("text").get<std::string>().size() == static_cast<std::size_t>(i) * 30000);
    } else {
      CHECK(c.vars.at("text").get<std::string>().size() == 600000);
    }
    ++i;
  }
  CHECK(i == 21);
}
