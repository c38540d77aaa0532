#include <doctest/doctest.h>

#include "run_builder.hpp"
#include "stats/summary.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

RunData mixed_run()
{
  RunData run = run_with({"v1/gpt", "v2/gpt"});
  // Trials arrive interleaved and v2 first: summaries still follow run order.
  run.trials.push_back(
      ok_trial("v2/gpt", "a", {score("similarity", 0.5, false), score("contains", 1, true)}, 300));
  run.trials.push_back(
      ok_trial("v1/gpt", "a", {score("contains", 1, true), score("similarity", 0.9, true)}, 100));
  run.trials.push_back(
      ok_trial("v1/gpt", "b", {score("contains", 0, false), score("similarity", 0.7, false)}, 200));
  run.trials.push_back(
      ok_trial("v1/gpt", "c",
               {score("contains", 0, false, "bad regex"), score("similarity", 0.8, true)}, 300));
  run.trials.push_back(failed_trial("v1/gpt", "d"));
  return run;
}

} // namespace

TEST_CASE("metric summaries follow run candidate order then first-seen metric order")
{
  const auto summaries = summarize_metrics(mixed_run());
  REQUIRE(summaries.size() == 4);
  CHECK(summaries[0].candidate_id == "v1/gpt");
  CHECK(summaries[0].metric == "contains");
  CHECK(summaries[1].candidate_id == "v1/gpt");
  CHECK(summaries[1].metric == "similarity");
  CHECK(summaries[2].candidate_id == "v2/gpt");
  CHECK(summaries[2].metric == "similarity");
  CHECK(summaries[3].candidate_id == "v2/gpt");
  CHECK(summaries[3].metric == "contains");
}

TEST_CASE("errored scores count in n and against the pass rate but not in the mean")
{
  const auto summaries = summarize_metrics(mixed_run());
  const MetricSummary& contains = summaries[0];
  CHECK(contains.n == 3);
  CHECK(contains.errors == 1);
  CHECK(contains.passes == 1);
  CHECK(contains.mean == doctest::Approx(0.5));
  CHECK(contains.pass_rate == doctest::Approx(1.0 / 3.0));

  const MetricSummary& similarity = summaries[1];
  CHECK(similarity.n == 3);
  CHECK(similarity.errors == 0);
  CHECK(similarity.passes == 2);
  CHECK(similarity.mean == doctest::Approx(0.8));
}

TEST_CASE("failed trials are not part of a metric's n")
{
  RunData run = run_with({"v1/gpt"});
  run.trials.push_back(ok_trial("v1/gpt", "a", {score("contains", 1, true)}));
  run.trials.push_back(failed_trial("v1/gpt", "b"));
  run.trials.push_back(failed_trial("v1/gpt", "c"));
  const auto summaries = summarize_metrics(run);
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].n == 1);
  CHECK(summaries[0].pass_rate == 1.0);
}

TEST_CASE("a metric whose every score errored has mean zero and pass rate zero")
{
  RunData run = run_with({"v1/gpt"});
  run.trials.push_back(
      ok_trial("v1/gpt", "a", {score("rubric", 0, false, "judge reply unparseable")}));
  const auto summaries = summarize_metrics(run);
  REQUIRE(summaries.size() == 1);
  CHECK(summaries[0].n == 1);
  CHECK(summaries[0].errors == 1);
  CHECK(summaries[0].mean == 0.0);
  CHECK(summaries[0].pass_rate == 0.0);
}

TEST_CASE(
    "candidate summaries count failures, average latency over ok trials and sum tokens and costs")
{
  RunData run = mixed_run();
  run.trials[1].trial.usage = {10, 5, 15};
  run.trials[1].trial.cost_usd = 0.01;
  run.trials[1].scores[1].cost_usd = 0.002;
  run.trials[2].trial.usage = {20, 7, 27};
  run.trials[4].trial.latency_ms = 60000; // a timed-out trial must not skew latency

  const auto summaries = summarize_candidates(run);
  REQUIRE(summaries.size() == 2);
  const CandidateSummary& v1 = summaries[0];
  CHECK(v1.candidate_id == "v1/gpt");
  CHECK(v1.trials == 4);
  CHECK(v1.failed_trials == 1);
  CHECK(v1.error_rate == doctest::Approx(0.25));
  CHECK(v1.mean_latency_ms == doctest::Approx(200.0));
  CHECK(v1.prompt_tokens == 30);
  CHECK(v1.completion_tokens == 12);
  CHECK(v1.cost_usd == doctest::Approx(0.012));

  const CandidateSummary& v2 = summaries[1];
  CHECK(v2.trials == 1);
  CHECK(v2.failed_trials == 0);
  CHECK(v2.error_rate == 0.0);
  CHECK(v2.mean_latency_ms == doctest::Approx(300.0));
}

TEST_CASE("a candidate without trials is summarized with zeros")
{
  RunData run = run_with({"v1/gpt", "v1/claude"});
  run.trials.push_back(ok_trial("v1/gpt", "a", {score("contains", 1, true)}));
  const auto summaries = summarize_candidates(run);
  REQUIRE(summaries.size() == 2);
  CHECK(summaries[1].candidate_id == "v1/claude");
  CHECK(summaries[1].trials == 0);
  CHECK(summaries[1].error_rate == 0.0);
  CHECK(summaries[1].mean_latency_ms == 0.0);
}

TEST_CASE(
    "trials of a candidate missing from the run info are still summarized, after the known ones")
{
  RunData run = run_with({"v1/gpt"});
  run.trials.push_back(ok_trial("v9/stray", "a", {score("contains", 1, true)}));
  run.trials.push_back(ok_trial("v1/gpt", "a", {score("contains", 0, false)}));
  CHECK(candidate_order(run) == std::vector<std::string>{"v1/gpt", "v9/stray"});
  const auto metrics = summarize_metrics(run);
  REQUIRE(metrics.size() == 2);
  CHECK(metrics[1].candidate_id == "v9/stray");
  CHECK(summarize_candidates(run).size() == 2);
}

TEST_CASE("an empty run has no summaries")
{
  RunData run;
  CHECK(summarize_metrics(run).empty());
  CHECK(summarize_candidates(run).empty());
}
