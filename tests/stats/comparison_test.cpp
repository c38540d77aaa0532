#include <doctest/doctest.h>

#include "run_builder.hpp"
#include "stats/case_values.hpp"
#include "stats/comparison.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

MetricCases cases(const std::vector<std::pair<std::string, double>>& values)
{
  RunData run = run_with({"v1/gpt"});
  for (const auto& [id, value] : values) {
    run.trials.push_back(ok_trial("v1/gpt", id, {score("m", value, value >= 0.5)}));
  }
  return case_table(run).candidates["v1/gpt"];
}

} // namespace

TEST_CASE("a comparison pairs shared cases and reports win/tie/loss, McNemar and the delta interval")
{
  const MetricCases a = cases({{"c1", 1}, {"c2", 1}, {"c3", 0}, {"c4", 0.5}, {"c5", 1}});
  const MetricCases b = cases({{"c1", 0}, {"c2", 1}, {"c3", 1}, {"c4", 0.5}, {"c5", 0}});
  const auto result = compare_cases(a, b, {});
  REQUIRE(result.size() == 1);
  const MetricComparison& m = result[0];
  CHECK(m.shared == 5);
  CHECK(m.mean_a == doctest::Approx(0.7));
  CHECK(m.mean_b == doctest::Approx(0.5));
  CHECK(m.delta == doctest::Approx(-0.2));
  CHECK(m.wins == 1);
  CHECK(m.ties == 2);
  CHECK(m.losses == 2);
  CHECK(m.pass_to_fail == 2);
  CHECK(m.fail_to_pass == 1);
  CHECK(m.mcnemar_p == doctest::Approx(1.0));
  CHECK(m.delta_interval.low <= m.delta);
  CHECK(m.delta_interval.high >= m.delta);
  REQUIRE(m.regressed.size() == 2);
  CHECK(m.regressed[0].case_id == "c1");
  CHECK(m.regressed[1].case_id == "c5");
  REQUIRE(m.improved.size() == 1);
  CHECK(m.improved[0].case_id == "c3");
}

TEST_CASE("a comparison of runs with disjoint cases reports every case as one-sided")
{
  const auto result = compare_cases(cases({{"a1", 1}, {"a2", 0}}), cases({{"b1", 1}}), {});
  REQUIRE(result.size() == 1);
  CHECK(result[0].shared == 0);
  CHECK(result[0].only_a == std::vector<std::string>{"a1", "a2"});
  CHECK(result[0].only_b == std::vector<std::string>{"b1"});
  CHECK(result[0].p_value == 1.0);
}

TEST_CASE("a case whose scores all errored counts as absent on that side")
{
  RunData run = run_with({"v1/gpt"});
  run.trials.push_back(ok_trial("v1/gpt", "c1", {score("m", 0, false, "judge timed out")}));
  run.trials.push_back(ok_trial("v1/gpt", "c2", {score("m", 1, true)}));
  const MetricCases b = case_table(run).candidates["v1/gpt"];
  const auto result = compare_cases(cases({{"c1", 1}, {"c2", 1}}), b, {});
  CHECK(result[0].shared == 1);
  CHECK(result[0].only_a == std::vector<std::string>{"c1"});
}

TEST_CASE("top limits the listed regressions and a consistent shift is significant")
{
  std::vector<std::pair<std::string, double>> before, after;
  for (int i = 0; i < 40; ++i) {
    const std::string id = "c" + std::to_string(100 + i);
    before.emplace_back(id, 0.9);
    after.emplace_back(id, 0.9 - 0.01 * (i % 5 + 1));
  }
  CompareOptions options;
  options.top = 3;
  const auto result = compare_cases(cases(before), cases(after), options);
  CHECK(result[0].regressed.size() == 3);
  CHECK(result[0].regressed[0].delta == doctest::Approx(-0.05));
  CHECK(result[0].p_value < 0.01);
  CHECK(result[0].delta_interval.high < 0);
}
