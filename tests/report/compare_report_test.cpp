#include <doctest/doctest.h>

#include <sstream>

#include "report/compare_report.hpp"
#include "report/report.hpp"
#include "report_fixture.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

RunData two_runs_side(const std::string& id, const std::vector<std::pair<std::string, double>>& values,
                      const std::string& output)
{
  RunData run;
  run.info.id = id;
  run.info.seed = 9;
  run.info.candidates.push_back({"v1/gpt", "v1", "gpt"});
  for (const auto& [case_id, value] : values) {
    ScoredTrial t = make_trial("v1/gpt", case_id, {make_score("m", value, value >= 0.5)});
    t.trial.output = output;
    t.scores[0].reason = value >= 0.5 ? "ok" : "expected 'x' | got <b>";
    run.trials.push_back(t);
  }
  return run;
}

RunComparison comparison()
{
  const RunData a = two_runs_side("run-a", {{"c1", 1}, {"c2", 1}, {"gone", 1}}, "fine answer");
  const RunData b = two_runs_side("run-b", {{"c1", 0}, {"c2", 1}, {"new", 1}}, "<script>x</script> | `y`");
  auto result = compare_runs(a, b, {}, {});
  REQUIRE(result);
  return std::move(result).value();
}

} // namespace

TEST_CASE("the terminal comparison shows the metric row, one-sided cases, the worst case and costs")
{
  std::ostringstream out;
  write_compare_table(out, comparison());
  const std::string text = out.str();
  CHECK(text.find("compare run-a → run-b\n") == 0);
  CHECK(text.find("A = v1/gpt @ run-a\nB = v1/gpt @ run-b\n") != std::string::npos);
  CHECK(text.find("m: 1 case(s) only in A: gone; 1 case(s) only in B: new\n") != std::string::npos);
  CHECK(text.find("most regressed (m):\n  c1  1.000 → 0.000 (-1.000)\n") != std::string::npos);
  CHECK(text.find("0/1/1") != std::string::npos);
  CHECK(text.find("$0.0030") != std::string::npos);
  CHECK(text.find("intervals: paired bootstrap, 2000 resamples, seed 9; delta = B − A") != std::string::npos);
}

TEST_CASE("the Markdown comparison escapes model text so it cannot break the table or inject HTML")
{
  std::ostringstream out;
  write_compare_markdown(out, comparison());
  const std::string text = out.str();
  CHECK(text.find("<script>") == std::string::npos);
  CHECK(text.find("&lt;script&gt;x&lt;/script&gt; \\| \\`y\\`") != std::string::npos);
  CHECK(text.find("expected 'x' \\| got &lt;b&gt;") != std::string::npos);
  CHECK(text.find("| m | 1.000 | 0.500 | -0.500 |") != std::string::npos);
}

TEST_CASE("the JSON comparison carries every figure and the one-sided cases")
{
  std::ostringstream out;
  write_compare_json(out, comparison());
  const auto json = nlohmann::json::parse(out.str());
  const auto& m = json["sections"][0]["metrics"][0];
  CHECK(m["shared"] == 2);
  CHECK(m["only_a"] == nlohmann::json::array({"gone"}));
  CHECK(m["only_b"] == nlohmann::json::array({"new"}));
  CHECK(m["pass_to_fail"] == 1);
  CHECK(m["most_regressed"][0]["case"] == "c1");
  CHECK(json["seed"] == 9);
}

TEST_CASE("the terminal report lists flaky cases and intervals when repeats disagree")
{
  RunData run = sample_run();
  for (int rep = 0; rep < 2; ++rep) {
    ScoredTrial t = make_trial("v1/good", "wobbly", {make_score("contains", rep, rep == 1)});
    t.trial.repeat_index = rep;
    run.trials.push_back(t);
  }
  std::ostringstream out;
  TerminalOptions options;
  write_terminal_report(out, run, options);
  const std::string text = out.str();
  CHECK(text.find("95% intervals (mean: bootstrap over cases, seed " + std::to_string(run.info.seed) +
                  "; pass rate: Wilson):") != std::string::npos);
  CHECK(
      text.find("flaky cases (pass/fail differs across repeats):\n  v1/good contains: 1 of 5 cases (20.0%): "
                "wobbly\n") != std::string::npos);
}

TEST_CASE("the HTML comparison is one page without scripts, and model text stays text")
{
  std::ostringstream out;
  write_compare_html(out, comparison());
  const std::string html = out.str();
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;x&lt;/script&gt; | `y`") != std::string::npos);
  CHECK(html.find("expected &#39;x&#39; | got &lt;b&gt;") != std::string::npos);
  CHECK(html.find("<h4>Most regressed (m)</h4>") != std::string::npos);
  CHECK(html.find("<td>c1</td><td class=\"num\">1.000</td><td class=\"num\">0.000</td>") != std::string::npos);
  CHECK(html.find("src=\"http") == std::string::npos);
}
