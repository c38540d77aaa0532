#include <doctest/doctest.h>

#include "run_builder.hpp"
#include "stats/summary.hpp"

using namespace evalgate;
using namespace evalgate::test;

TEST_CASE("unknown trial costs are counted, not summed as zero, and cache hits are counted per candidate")
{
  RunData run = run_with({"v1/gpt", "v1/house"});
  run.trials.push_back(ok_trial("v1/gpt", "a", {score("contains", 1, true)}));
  run.trials.back().trial.cost_usd = 0.004;
  run.trials.back().scores[0].cost_usd = 0.001; // a judge call
  run.trials.push_back(ok_trial("v1/gpt", "b", {score("contains", 1, true)}));
  run.trials.back().trial.cost_usd = 0.0;
  run.trials.back().trial.cache_hit = true;
  run.trials.push_back(ok_trial("v1/house", "a", {score("contains", 1, true)}));
  run.trials.back().trial.cost_usd = std::nullopt;
  run.trials.push_back(ok_trial("v1/house", "b", {score("contains", 1, true)}));
  run.trials.back().trial.cost_usd = std::nullopt;

  const auto candidates = summarize_candidates(run);
  REQUIRE(candidates.size() == 2);
  CHECK(candidates[0].cost_usd == doctest::Approx(0.005));
  CHECK(candidates[0].unknown_cost_trials == 0);
  CHECK(candidates[0].cache_hits == 1);
  CHECK(candidates[1].cost_usd == 0.0);
  CHECK(candidates[1].unknown_cost_trials == 2);

  const RunCost cost = summarize_cost(candidates);
  CHECK(cost.known_usd == doctest::Approx(0.005));
  CHECK(cost.unknown_cost_trials == 2);
  CHECK(cost.cache_hits == 1);
}
