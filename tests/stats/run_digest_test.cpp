#include <doctest/doctest.h>

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
