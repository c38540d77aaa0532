#include <doctest/doctest.h>

#include "run_builder.hpp"
#include "stats/summary.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

GateRule rule(std::string metric, std::string candidate = {})
{
  GateRule r;
  r.metric = std::move(metric);
  r.candidate = std::move(candidate);
  return r;
}

// v1/good passes 49 of 50 contains checks, v1/bad 41 of 50.
RunData good_and_bad()
{
  RunData run = run_with({"v1/good", "v1/bad"});
  add_pass_fail(run, "v1/good", "contains", 50, 49);
  add_pass_fail(run, "v1/bad", "contains", 50, 41);
  return run;
}

} // namespace

TEST_CASE("min_pass_rate passes and fails with observed value, limit and message")
{
  GateRule r = rule("contains");
  r.min_pass_rate = 0.95;
  const GateVerdict verdict = evaluate_gate({r}, good_and_bad());
  CHECK_FALSE(verdict.passed);
  REQUIRE(verdict.results.size() == 2);

  const GateResult& good = verdict.results[0];
  CHECK(good.candidate_id == "v1/good");
  CHECK(good.metric == "contains");
  CHECK(good.check == "min_pass_rate");
  CHECK(good.observed == doctest::Approx(0.98));
  CHECK(good.limit == 0.95);
  CHECK(good.passed);
  CHECK(good.message == "contains pass rate 0.980 >= 0.950 on v1/good");

  const GateResult& bad = verdict.results[1];
  CHECK_FALSE(bad.passed);
  CHECK(bad.message == "contains pass rate 0.820 < 0.950 on v1/bad");
}

TEST_CASE("min_mean passes and fails with its message")
{
  RunData run = run_with({"v1/gpt", "v2/gpt"});
  run.trials.push_back(ok_trial("v1/gpt", "a", {score("similarity", 0.9, true)}));
  run.trials.push_back(ok_trial("v2/gpt", "a", {score("similarity", 0.7, false)}));
  GateRule r = rule("similarity");
  r.min_mean = 0.8;
  const GateVerdict verdict = evaluate_gate({r}, run);
  REQUIRE(verdict.results.size() == 2);
  CHECK(verdict.results[0].passed);
  CHECK(verdict.results[0].check == "min_mean");
  CHECK(verdict.results[0].message == "similarity mean 0.900 >= 0.800 on v1/gpt");
  CHECK_FALSE(verdict.results[1].passed);
  CHECK(verdict.results[1].message == "similarity mean 0.700 < 0.800 on v2/gpt");
  CHECK_FALSE(verdict.passed);
}

TEST_CASE("a limit met exactly passes")
{
  RunData run = run_with({"v1/gpt"});
  add_pass_fail(run, "v1/gpt", "contains", 20, 19);
  GateRule r = rule("contains");
  r.min_pass_rate = 0.95;
  r.max_error_rate = 0.0;
  const GateVerdict verdict = evaluate_gate({r}, run);
  REQUIRE(verdict.results.size() == 2);
  CHECK(verdict.results[0].message == "contains pass rate 0.950 >= 0.950 on v1/gpt");
  CHECK(verdict.results[1].message == "contains error rate 0.000 <= 0.000 on v1/gpt");
  CHECK(verdict.passed);
}

TEST_CASE("max_error_rate counts errored scores and failed trials of the candidate")
{
  RunData run = run_with({"v1/gpt"});
  run.trials.push_back(ok_trial("v1/gpt", "a", {score("rubric", 1, true)}));
  run.trials.push_back(ok_trial("v1/gpt", "b", {score("rubric", 1, true)}));
  run.trials.push_back(ok_trial("v1/gpt", "c", {score("rubric", 0, false, "judge timed out")}));
  run.trials.push_back(failed_trial("v1/gpt", "d"));
  GateRule r = rule("rubric");
  r.max_error_rate = 0.25;
  GateVerdict verdict = evaluate_gate({r}, run);
  REQUIRE(verdict.results.size() == 1);
  CHECK(verdict.results[0].check == "max_error_rate");
  CHECK(verdict.results[0].observed == 0.5);
  CHECK_FALSE(verdict.results[0].passed);
  CHECK(verdict.results[0].message == "rubric error rate 0.500 > 0.250 on v1/gpt");

  r.max_error_rate = 0.5;
  verdict = evaluate_gate({r}, run);
  CHECK(verdict.passed);
  CHECK(verdict.results[0].message == "rubric error rate 0.500 <= 0.500 on v1/gpt");
}

TEST_CASE("a rule with several checks gives one result per check in a fixed order")
{
  GateRule r = rule("contains", "v1/good");
  r.max_error_rate = 0.1;
  r.min_pass_rate = 0.9;
  r.min_mean = 0.9;
  const GateVerdict verdict = evaluate_gate({r}, good_and_bad());
  REQUIRE(verdict.results.size() == 3);
  CHECK(verdict.results[0].check == "min_mean");
  CHECK(verdict.results[1].check == "min_pass_rate");
  CHECK(verdict.results[2].check == "max_error_rate");
  CHECK(verdict.passed);
}

TEST_CASE("a rule naming a candidate applies to that candidate only")
{
  GateRule r = rule("contains", "v1/good");
  r.min_pass_rate = 0.95;
  const GateVerdict verdict = evaluate_gate({r}, good_and_bad());
  REQUIRE(verdict.results.size() == 1);
  CHECK(verdict.results[0].candidate_id == "v1/good");
  CHECK(verdict.passed);
}

TEST_CASE("a rule naming a candidate that is not in the run fails and says so")
{
  GateRule r = rule("contains", "v9/typo");
  r.min_pass_rate = 0.95;
  const GateVerdict verdict = evaluate_gate({r}, good_and_bad());
  REQUIRE(verdict.results.size() == 1);
  CHECK_FALSE(verdict.passed);
  CHECK(verdict.results[0].candidate_id == "v9/typo");
  CHECK(verdict.results[0].check == "min_pass_rate");
  CHECK(verdict.results[0].message ==
        "contains pass rate: candidate 'v9/typo' is not in this run (candidates: v1/good, v1/bad)");
}

TEST_CASE("a metric without scores fails the rule, naming why")
{
  RunData run = run_with({"v1/gpt", "v1/claude", "v1/empty"});
  for (int i = 0; i < 12; ++i) {
    run.trials.push_back(failed_trial("v1/gpt", "c" + std::to_string(i)));
  }
  run.trials.push_back(ok_trial("v1/claude", "a", {score("other", 1, true)}));
  GateRule r = rule("x");
  r.min_mean = 0.5;
  r.max_error_rate = 0.1;
  const GateVerdict verdict = evaluate_gate({r}, run);
  CHECK_FALSE(verdict.passed);
  REQUIRE(verdict.results.size() == 6);
  CHECK(verdict.results[0].message == "no scores for metric 'x' on v1/gpt (all 12 trials failed)");
  CHECK_FALSE(verdict.results[0].passed);
  CHECK(verdict.results[1].check == "max_error_rate");
  CHECK(verdict.results[1].observed == 1.0);
  CHECK_FALSE(verdict.results[1].passed);
  CHECK(verdict.results[2].message ==
        "no scores for metric 'x' on v1/claude (metric not evaluated)");
  CHECK(verdict.results[4].message == "no scores for metric 'x' on v1/empty (no trials)");
}

TEST_CASE("a single failed trial is named as such")
{
  RunData run = run_with({"v1/gpt"});
  run.trials.push_back(failed_trial("v1/gpt", "a"));
  GateRule r = rule("x");
  r.min_pass_rate = 0.5;
  const GateVerdict verdict = evaluate_gate({r}, run);
  REQUIRE(verdict.results.size() == 1);
  CHECK(verdict.results[0].message == "no scores for metric 'x' on v1/gpt (its only trial failed)");
}

TEST_CASE("no rules pass with no results")
{
  const GateVerdict verdict = evaluate_gate({}, good_and_bad());
  CHECK(verdict.passed);
  CHECK(verdict.results.empty());
}

TEST_CASE("the verdict passes only when every result passes")
{
  GateRule lenient = rule("contains");
  lenient.min_pass_rate = 0.5;
  GateRule strict = rule("contains", "v1/bad");
  strict.min_pass_rate = 0.9;
  CHECK(evaluate_gate({lenient}, good_and_bad()).passed);
  const GateVerdict verdict = evaluate_gate({lenient, strict}, good_and_bad());
  CHECK_FALSE(verdict.passed);
  REQUIRE(verdict.results.size() == 3);
  CHECK(verdict.results[2].message == "contains pass rate 0.820 < 0.900 on v1/bad");
}
