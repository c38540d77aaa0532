#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "run_builder.hpp"
#include "stats/case_values.hpp"
#include "stats/run_digest.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

void check_same_tables(const CaseTable& got, const CaseTable& want)
{
  REQUIRE(got.candidates.size() == want.candidates.size());
  for (const auto& [candidate, metrics] : want.candidates) {
    const MetricCases& got_metrics = got.candidates.at(candidate);
    REQUIRE(got_metrics.size() == metrics.size());
    for (const auto& [metric, cases] : metrics) {
      const auto& got_cases = got_metrics.at(metric);
      REQUIRE(got_cases.size() == cases.size());
      for (const auto& [id, v] : cases) {
        const CaseValue& g = got_cases.at(id);
        CHECK(g.scored == v.scored);
        CHECK(g.passes == v.passes);
        CHECK(g.errors == v.errors);
        CHECK(g.value == v.value);
        CHECK(g.pass == v.pass);
      }
    }
  }
}

} // namespace

TEST_CASE("the digest's per-case tallies hold past 255 repeats of a case and past the run's case count")
{
  RunData run = run_with({"p/a"});
  run.info.case_count = 2; // fewer than the run holds: the digest grows past what it sized for
  for (int r = 0; r < 600; ++r) {
    // Case "many": 600 repeats, 400 passing, every third errored: each count passes 255.
    const bool errored = r % 3 == 0;
    run.trials.push_back(
        ok_trial("p/a", "many", {score("m", errored ? 0 : 0.25 + r % 2, r % 3 != 2, errored ? "boom" : "")}));
  }
  for (int c = 0; c < 100; ++c) {
    run.trials.push_back(ok_trial("p/a", "case-" + std::to_string(c), {score("m", c % 2, c % 2 == 1)}));
  }
  const RunDigest digest = digest_of(run);
  check_same_tables(digest.case_table(), case_table(run));
  const auto many = digest.case_values("p/a", "m");
  REQUIRE(many);
  CHECK(many->size() == 101);
  CHECK(many->at("many").scored == 400);
  CHECK(many->at("many").errors == 200);
  CHECK(many->at("many").passes == 200);
  const auto stats = digest.metric_stats(200);
  REQUIRE(stats.size() == 1);
  CHECK(stats[0].cases == 101);
  CHECK(stats[0].flaky_cases == std::vector<std::string>{"many"});
}

TEST_CASE("the digest's one-byte pass/fail cells give the same tables and statistics as the run's trials")
{
  // Every shape a cell takes: packed (a value of 1 when passing and 0 when not, up to 7 scored
  // and 3 errored repeats) and not (a graded value, a pass with value 0, a -0.0, 8 repeats, the
  // reserved 7/7/3 cell), in one column, so packed and dense cells sit side by side.
  RunData run = run_with({"p/a", "p/b"});
  run.info.case_count = 40;
  auto add = [&run](const std::string& candidate, const std::string& id, double value, bool pass,
                    const std::string& error = {}) {
    run.trials.push_back(ok_trial(candidate, id, {score("m", value, pass, error)}));
  };
  for (int c = 0; c < 20; ++c) {
    const std::string id = "bin-" + std::to_string(c);
    for (int r = 0; r <= c % 7; ++r) {
      const bool pass = (c + r) % 3 != 0;
      add("p/a", id, pass ? 1.0 : 0.0, pass);
    }
    for (int e = 0; e < c % 4; ++e) {
      add("p/a", id, 0.0, false, "boom");
    }
    add("p/b", id, c % 2, c % 2 == 1);
  }
  add("p/a", "graded", 0.5, true);
  add("p/a", "pass-at-zero", 0.0, true);
  add("p/a", "negative-zero", -0.0, false);
  for (int r = 0; r < 8; ++r) {
    add("p/a", "eight", 1.0, true);
  }
  for (int r = 0; r < 7; ++r) {
    add("p/a", "seven-seven-three", 1.0, true);
  }
  for (int e = 0; e < 3; ++e) {
    add("p/a", "seven-seven-three", 0.0, false, "boom");
  }
  add("p/b", "graded", 0.75, true);
  const RunDigest digest = digest_of(run);
  check_same_tables(digest.case_table(), case_table(run));
  const auto graded = digest.case_values("p/a", "m");
  REQUIRE(graded);
  CHECK(graded->at("graded").value == 0.5);
  CHECK(graded->at("pass-at-zero").pass);
  CHECK(graded->at("pass-at-zero").value == 0.0);
  CHECK(std::signbit(graded->at("negative-zero").value) ==
        std::signbit(case_table(run).candidates.at("p/a").at("m").at("negative-zero").value));
  CHECK(graded->at("eight").scored == 8);
  CHECK(graded->at("seven-seven-three").scored == 7);
  CHECK(graded->at("seven-seven-three").errors == 3);
  const auto got = digest.metric_stats(300);
  const auto want = metric_stats(run, 300);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CHECK(got[i].cases == want[i].cases);
    CHECK(got[i].mean == want[i].mean);
    CHECK(got[i].mean_stddev == want[i].mean_stddev);
    CHECK(got[i].flaky_cases == want[i].flaky_cases);
    CHECK(got[i].mean_interval.low == want[i].mean_interval.low);
    CHECK(got[i].mean_interval.high == want[i].mean_interval.high);
  }
}
