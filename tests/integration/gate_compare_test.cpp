// Baselines, `evalgate gate` and `evalgate compare` driven through the real binary against the mock.

#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "harness.hpp"

using namespace evalgate::testing;

namespace {

SuiteShape drop_gated()
{
  SuiteShape shape;
  shape.gate = "gate:\n  - metric: has-answer\n    max_drop: 0.05\n";
  return shape;
}

std::string first_run_id(const Harness& h)
{
  auto runs = h.evalgate({"runs", "--db", h.db()});
  REQUIRE(runs.exit_code == 0);
  // Newest first: the last data line is the oldest run.
  std::string last;
  std::istringstream in(runs.out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0])) != 0) {
      last = line.substr(0, line.find(' '));
    }
  }
  return last;
}

} // namespace

TEST_CASE("run twice, save a baseline, gate against it and compare the runs")
{
  Harness h({}, drop_gated());
  auto first = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  INFO(first.err);
  CHECK(first.exit_code == 1);
  CHECK(first.out.find(
            "has-answer max_drop on p/good: no baseline given (pass --baseline RUN_ID|latest|FILE)") !=
        std::string::npos);

  auto saved = h.evalgate({"baseline", "save", "latest", "--db", h.db(), "--out", "base.json"});
  CHECK(saved.exit_code == 0);
  std::ifstream file(h.dir().file("base.json"));
  const auto baseline = nlohmann::json::parse(file);
  CHECK(baseline["candidates"]["p/bad"]["has-answer"]["q3"]["pass"] == false);
  CHECK(baseline["candidates"]["p/good"]["has-answer"].size() == 20);

  auto second = h.evalgate({"run", "--db", h.db(), "--no-progress", "--baseline", "base.json"});
  INFO(second.err);
  CHECK(second.exit_code == 0);
  CHECK(second.out.find("GATE PASSED (2 checks)") != std::string::npos);

  auto regate = h.evalgate({"gate", "latest", "--db", h.db(), "--baseline", "latest"});
  CHECK(regate.exit_code == 0);

  const std::string first_id = first_run_id(h);
  auto compare = h.evalgate({"compare", first_id, "latest", "--db", h.db()});
  INFO(compare.err);
  CHECK(compare.exit_code == 0);
  CHECK(compare.out.find("A = p/good @ " + first_id) != std::string::npos);
  CHECK(compare.out.find("0/20/0") != std::string::npos);

  auto within = h.evalgate({"compare", "latest", "--candidates", "p/good", "p/bad", "--db", h.db(),
                            "--format", "json", "--top", "3"});
  CHECK(within.exit_code == 0);
  const auto json = nlohmann::json::parse(within.out);
  const auto& metric = json["sections"][0]["metrics"][0];
  CHECK(metric["metric"] == "has-answer");
  CHECK(metric["losses"] == 6);
  CHECK(metric["pass_to_fail"] == 6);
  CHECK(metric["mcnemar_p"].get<double>() == doctest::Approx(2.0 / 64));
  CHECK(metric["most_regressed"].size() == 3);
  CHECK(metric["most_regressed"][0]["b_output"] == "I do not know.");

  auto markdown = h.evalgate(
      {"compare", "latest", "--candidates", "p/good", "p/bad", "--db", h.db(), "--format", "markdown"});
  CHECK(markdown.exit_code == 0);
  CHECK(markdown.out.find("| has-answer | 1.000 | 0.700 | -0.300 |") != std::string::npos);
}

TEST_CASE("a significant drop against a baseline file fails evalgate gate, and a broken file is a data error")
{
  Harness h({}, drop_gated());
  REQUIRE(h.evalgate({"run", "--db", h.db(), "--no-progress"}).exit_code == 1);
  // A baseline in which p/bad answered every case: the stored run drops 0.3 on 20 cases.
  nlohmann::json cases = nlohmann::json::object();
  for (int i = 1; i <= 20; ++i) {
    cases["q" + std::to_string(i)] = {{"pass", true}, {"value", 1.0}};
  }
  h.dir().write("perfect.json",
                nlohmann::json{
                    {"evalgate_baseline", 1},
                    {"candidates", {{"p/bad", {{"has-answer", cases}}}, {"p/good", {{"has-answer", cases}}}}}}
                    .dump());
  auto gate = h.evalgate({"gate", "latest", "--db", h.db(), "--baseline", "perfect.json"});
  CHECK(gate.exit_code == 1);
  CHECK(gate.out.find("FAIL has-answer drop vs baseline 0.300 > 0.050, significant at 95%") !=
        std::string::npos);
  CHECK(gate.out.find("on p/bad (20 shared cases)") != std::string::npos);

  h.dir().write("broken.json", "{\"evalgate_baseline\": 1, \"candidates\": []}");
  auto broken = h.evalgate({"gate", "latest", "--db", h.db(), "--baseline", "broken.json"});
  CHECK(broken.exit_code == 2);
  CHECK(broken.err ==
        "evalgate: broken.json: candidates: expected an object of candidate id → metric → case → "
        "value, got []\n");

  auto unknown = h.evalgate({"compare", "latest", "--candidates", "p/good", "p/nope", "--db", h.db()});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("candidate 'p/nope' is not in run") != std::string::npos);
}
