#include <doctest/doctest.h>

#include "engine/dry_run.hpp"

using namespace evalgate;

namespace {

Suite priced_suite()
{
  Suite suite;
  suite.name = "dry";
  suite.prompts.push_back({"p", {{"user", "{{question}}"}}, false, {}}); // 8 chars per case = 2 tokens
  ProviderSpec known;
  known.id = "mini";
  known.type = "openai";
  known.model = "gpt-4o-mini";
  known.params = {{"max_tokens", 100}};
  ProviderSpec unknown;
  unknown.id = "house";
  unknown.type = "openai";
  unknown.model = "house-model";
  ProviderSpec recorded;
  recorded.id = "recorded";
  recorded.type = "field";
  recorded.field = "answer";
  suite.providers = {known, unknown, recorded};
  for (int i = 0; i < 4; ++i) {
    Case c;
    c.id = "c" + std::to_string(i);
    c.vars = {{"question", "abcdefgh"}, {"answer", "x"}};
    suite.cases.push_back(c);
  }
  suite.evaluators.push_back({"contains", "x", Json{{"type", "contains"}, {"value", "x"}}, {}});
  suite.repeat = 2;
  return suite;
}

} // namespace

TEST_CASE("a dry run sizes the matrix and estimates tokens and cost per candidate without calling anything")
{
  auto plan = plan_dry_run(priced_suite(), "");
  REQUIRE(plan);
  CHECK(plan->trials == 3 * 4 * 2);
  CHECK(plan->judge_calls == 0);
  REQUIRE(plan->candidates.size() == 3);

  const DryRunCandidate& mini = plan->candidates[0];
  CHECK(mini.candidate_id == "p/mini");
  CHECK(mini.trials == 8);
  CHECK(mini.prompt_tokens == 2 * 8);
  CHECK(mini.completion_tokens == 100 * 8);
  CHECK_FALSE(mini.default_completion);
  REQUIRE(mini.cost_usd);
  CHECK(*mini.cost_usd == doctest::Approx((16 * 0.15 + 800 * 0.6) / 1e6));

  const DryRunCandidate& house = plan->candidates[1];
  CHECK(house.default_completion);
  CHECK(house.completion_tokens == k_dry_run_completion_tokens * 8);
  CHECK_FALSE(house.cost_usd.has_value());

  CHECK(*plan->candidates[2].cost_usd == 0.0); // a field provider makes no call
  CHECK(plan->unknown_cost_candidates == 1);
  CHECK(plan->known_cost_usd == doctest::Approx(*mini.cost_usd));
}
