// Gate decisions against a baseline and the per-candidate checks (flaky, latency, cost).

#include <doctest/doctest.h>

#include "run_builder.hpp"
#include "stats/case_values.hpp"
#include "stats/summary.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

// `n` cases of metric "m" on v1/gpt; case i scores values[i] (pass when >= 0.5).
RunData run_of(const std::vector<double>& values)
{
  RunData run = run_with({"v1/gpt"});
  run.info.seed = 42;
  for (std::size_t i = 0; i < values.size(); ++i) {
    run.trials.push_back(
        ok_trial("v1/gpt", "c" + std::to_string(i), {score("m", values[i], values[i] >= 0.5)}));
  }
  return run;
}

GateRule drop_rule(double max_drop)
{
  GateRule r;
  r.metric = "m";
  r.max_drop = max_drop;
  return r;
}

GateResult gate_one(const GateRule& rule, const RunData& current, const RunData& baseline_run)
{
  const CaseTable baseline = case_table(baseline_run);
  GateOptions options;
  options.baseline = &baseline;
  const GateVerdict verdict = evaluate_gate({rule}, current, options);
  REQUIRE(verdict.results.size() == 1);
  return verdict.results[0];
}

} // namespace

TEST_CASE("a large drop on few cases that is not significant passes max_drop")
{
  // One of three cases falls from 1 to 0: a drop of 0.333, but a third of resamples see no drop.
  const GateResult r = gate_one(drop_rule(0.1), run_of({0, 1, 1}), run_of({1, 1, 1}));
  CHECK(r.passed);
  CHECK(r.check == "max_drop");
  CHECK(r.observed == doctest::Approx(1.0 / 3));
  CHECK(r.message ==
        "m drop vs baseline 0.333 > 0.100 but not significant at 95% (lower bound 0.000 <= 0) on "
        "v1/gpt (3 shared cases)");
}

TEST_CASE("a small significant drop within the tolerance passes max_drop")
{
  const GateResult r = gate_one(drop_rule(0.05), run_of(std::vector<double>(200, 0.78)),
                                run_of(std::vector<double>(200, 0.8)));
  CHECK(r.passed);
  CHECK(r.observed == doctest::Approx(0.02));
  CHECK(r.message == "m drop vs baseline 0.020 <= 0.050 on v1/gpt (200 shared cases)");
}

TEST_CASE("a significant drop beyond the tolerance fails max_drop")
{
  std::vector<double> after(100, 1.0);
  for (int i = 0; i < 20; ++i) {
    after[static_cast<std::size_t>(i * 5)] = 0.0;
  }
  const GateResult r = gate_one(drop_rule(0.05), run_of(after), run_of(std::vector<double>(100, 1.0)));
  CHECK_FALSE(r.passed);
  CHECK(r.observed == doctest::Approx(0.2));
  CHECK(r.message.find("m drop vs baseline 0.200 > 0.050, significant at 95% (lower bound 0.1") == 0);
}

TEST_CASE("a higher confidence makes the same drop harder to call significant")
{
  std::vector<double> before(30, 1.0);
  std::vector<double> after(30, 1.0);
  after[0] = after[1] = after[2] = 0.0; // drop 0.1 on 30 cases
  GateRule lax = drop_rule(0.01);
  lax.confidence = 0.8;
  GateRule strict = drop_rule(0.01);
  strict.confidence = 0.999;
  CHECK_FALSE(gate_one(lax, run_of(after), run_of(before)).passed);
  CHECK(gate_one(strict, run_of(after), run_of(before)).passed);
}

TEST_CASE("max_drop lists cases present on one side only and fails without a baseline or shared cases")
{
  RunData before = run_of({1, 1, 1});
  RunData after = run_of({1, 1});
  after.trials.push_back(ok_trial("v1/gpt", "new", {score("m", 1, true)}));
  const GateResult r = gate_one(drop_rule(0.1), after, before);
  CHECK(r.passed);
  CHECK(r.message == "m drop vs baseline 0.000 <= 0.100 on v1/gpt (2 shared cases); 1 case(s) only in the "
                     "baseline: c2; 1 case(s) only in this run: new");

  const GateVerdict none = evaluate_gate({drop_rule(0.1)}, after);
  REQUIRE(none.results.size() == 1);
  CHECK_FALSE(none.passed);
  CHECK(none.results[0].message ==
        "m max_drop on v1/gpt: no baseline given (pass --baseline RUN_ID|latest|FILE)");

  RunData disjoint = run_with({"v1/gpt"});
  disjoint.trials.push_back(ok_trial("v1/gpt", "x", {score("m", 1, true)}));
  const GateResult d = gate_one(drop_rule(0.1), disjoint, before);
  CHECK_FALSE(d.passed);
  CHECK(d.message ==
        "m max_drop on v1/gpt: no case is scored in both this run and the baseline (r1); 3 case(s) "
        "only in the baseline: c0, c1, c2; 1 case(s) only in this run: x");
}

TEST_CASE("max_drop fails when the baseline lacks the candidate")
{
  RunData other = run_with({"v2/gpt"});
  other.trials.push_back(ok_trial("v2/gpt", "c0", {score("m", 1, true)}));
  const GateResult r = gate_one(drop_rule(0.1), run_of({1}), other);
  CHECK_FALSE(r.passed);
  CHECK(r.message == "m max_drop on v1/gpt: the baseline (r1) has no values for this candidate and metric");
}

TEST_CASE("a case whose pass/fail differs across repeats is flaky and max_flaky_rate gates the share")
{
  RunData run = run_with({"v1/gpt"});
  for (int rep = 0; rep < 3; ++rep) {
    for (int c = 0; c < 4; ++c) {
      const bool pass = c == 0 ? rep != 1 : c != 3; // c0 flips, c3 always fails
      ScoredTrial t = ok_trial("v1/gpt", "c" + std::to_string(c), {score("m", pass ? 1 : 0, pass)});
      t.trial.repeat_index = rep;
      run.trials.push_back(t);
    }
  }
  GateRule r;
  r.metric = "m";
  r.max_flaky_rate = 0.2;
  const GateVerdict verdict = evaluate_gate({r}, run);
  REQUIRE(verdict.results.size() == 1);
  CHECK_FALSE(verdict.passed);
  CHECK(verdict.results[0].observed == doctest::Approx(0.25));
  CHECK(verdict.results[0].message == "m flaky rate 0.250 > 0.200 on v1/gpt (1 of 4 cases: c0)");
  const CaseTable table = case_table(run);
  const CaseValue& c0 = table.candidates.at("v1/gpt").at("m").at("c0");
  CHECK(c0.flaky());
  CHECK(c0.value == doctest::Approx(2.0 / 3));
  CHECK_FALSE(c0.pass);
}

TEST_CASE("max_p95_latency_ms gates the candidate's 95th percentile latency without a metric")
{
  RunData run = run_with({"v1/gpt"});
  for (int i = 1; i <= 10; ++i) {
    run.trials.push_back(ok_trial("v1/gpt", "c" + std::to_string(i), {score("m", 1, true)}, i * 100.0));
  }
  GateRule r;
  r.max_p95_latency_ms = 900;
  const GateVerdict verdict = evaluate_gate({r}, run);
  REQUIRE(verdict.results.size() == 1);
  CHECK_FALSE(verdict.passed);
  CHECK(verdict.results[0].observed == doctest::Approx(955));
  CHECK(verdict.results[0].message == "p95 latency 955 ms > 900 ms on v1/gpt (10 trials)");
}

TEST_CASE("max_cost_usd sums known costs and cannot pass when a trial's cost is unknown")
{
  RunData run = run_with({"v1/gpt"});
  for (int i = 0; i < 4; ++i) {
    ScoredTrial t = ok_trial("v1/gpt", "c" + std::to_string(i), {score("m", 1, true)});
    t.trial.cost_usd = 0.01;
    run.trials.push_back(t);
  }
  GateRule r;
  r.max_cost_usd = 0.05;
  GateVerdict verdict = evaluate_gate({r}, run);
  CHECK(verdict.passed);
  CHECK(verdict.results[0].message == "cost $0.0400 <= $0.0500 on v1/gpt");

  run.trials[3].trial.cost_usd.reset();
  verdict = evaluate_gate({r}, run);
  CHECK_FALSE(verdict.passed);
  CHECK(verdict.results[0].message ==
        "cost on v1/gpt: unknown for 1 of 4 trials (no price for the model), so "
        "max_cost_usd 0.0500 cannot pass; known part $0.0300");
}
