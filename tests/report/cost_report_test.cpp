#include <doctest/doctest.h>

#include <sstream>

#include "report/report.hpp"
#include "report_fixture.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

RunData unpriced_run()
{
  RunData run = sample_run();
  for (auto& scored : run.trials) {
    if (scored.trial.candidate_id == "v1/bad") {
      scored.trial.cost_usd = std::nullopt; // an unpriced model
    }
  }
  run.trials[0].trial.cache_hit = true;
  return run;
}

} // namespace

TEST_CASE("the terminal report shows an unpriced candidate's cost as unknown, never $0, and a run total")
{
  std::ostringstream out;
  write_terminal_report(out, unpriced_run(), {});
  const std::string text = out.str();
  CHECK(text.find("cost unknown") != std::string::npos);
  CHECK(text.find("$0.0000") == std::string::npos);
  CHECK(text.find("cost $0.0040; 1 from cache") != std::string::npos);
  CHECK(text.find("run cost $0.0040 + 5 trials of unknown cost\n") != std::string::npos);
}

TEST_CASE("the JSON report carries null trial costs, unknown-cost counts and the run's cost")
{
  std::ostringstream out;
  write_json_report(out, unpriced_run());
  const auto doc = nlohmann::json::parse(out.str());
  const auto& cost = doc.at("summary").at("cost");
  CHECK(cost.at("known_usd").get<double>() == doctest::Approx(0.004));
  CHECK(cost.at("unknown_cost_trials") == 5);
  CHECK(cost.at("cache_hits") == 1);
  const auto& bad = doc.at("summary").at("candidates").at(1);
  CHECK(bad.at("unknown_cost_trials") == 5);
  bool saw_null = false;
  for (const auto& trial : doc.at("trials")) {
    saw_null = saw_null || trial.at("cost_usd").is_null();
  }
  CHECK(saw_null);
}
