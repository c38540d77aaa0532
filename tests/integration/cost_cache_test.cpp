#include <doctest/doctest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "stored_run.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

int requests(const Harness& h)
{
  return h.mock_stats()["requests"].get<int>();
}

int cache_hits(const RunData& run)
{
  int hits = 0;
  for (const auto& t : run.trials) {
    hits += t.trial.cache_hit ? 1 : 0;
  }
  return hits;
}

} // namespace

TEST_CASE("a second run of the same suite is answered from the cache and sends no request")
{
  Harness h;
  auto first = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  REQUIRE(first.exit_code == 1);
  REQUIRE(requests(h) == 40);
  CHECK(cache_hits(latest_run(h.db())) == 0);

  auto second = h.evalgate({"run", "--db", h.db(), "--no-progress", "--format", "json"});
  INFO(second.err);
  CHECK(second.exit_code == 1); // same answers, same verdict
  CHECK(requests(h) == 40);
  const RunData run = latest_run(h.db());
  CHECK(cache_hits(run) == 40);
  const auto report = nlohmann::json::parse(second.out);
  CHECK(report.at("summary").at("cost").at("cache_hits") == 40);

  auto stats = h.evalgate({"cache", "stats", "--db", h.db()});
  CHECK(stats.exit_code == 0);
  CHECK(stats.out.find("40 cached response(s)") != std::string::npos);
  CHECK(stats.out.find("  good (good): 20\n") != std::string::npos);

  auto off = h.evalgate({"run", "--db", h.db(), "--no-progress", "--cache", "off"});
  CHECK(off.exit_code == 1);
  CHECK(requests(h) == 80);
  CHECK(cache_hits(latest_run(h.db())) == 0);

  auto bad_mode = h.evalgate({"run", "--db", h.db(), "--cache", "sometimes"});
  CHECK(bad_mode.exit_code == 2);
  CHECK(bad_mode.err ==
        "evalgate: --cache must be one of read-write, read-only, off, replay (got 'sometimes')\n");
}

TEST_CASE("a cassette recorded with a key replays key-less in CI, and a request it lacks fails the run")
{
  MockOptions mock;
  mock.required_api_key = "sk-record-key-0123456789";
  SuiteShape shape;
  shape.api_key_env = "EVALGATE_IT_CASSETTE_KEY";
  Harness h(mock, shape);
  ProcessOptions with_key;
  with_key.env["EVALGATE_IT_CASSETTE_KEY"] = "sk-record-key-0123456789";
  REQUIRE(h.evalgate({"run", "--db", h.db(), "--no-progress"}, with_key).exit_code == 1);
  const std::string cassette = h.dir().file("suite.cassette.jsonl");
  auto exported = h.evalgate({"cache", "export", "--db", h.db(), cassette});
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out == "wrote 40 cached response(s) to " + cassette + "\n");

  const std::string ci_db = h.dir().file("ci.db");
  auto imported = h.evalgate({"cache", "import", "--db", ci_db, cassette});
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out == "imported 40 cached response(s) into " + ci_db + "\n");
  const int before = requests(h);
  auto replay = h.evalgate({"run", "--db", ci_db, "--no-progress", "--cache", "replay"}); // no key in env
  INFO(replay.err);
  CHECK(replay.exit_code == 1); // the gate's verdict, from recorded answers
  CHECK(requests(h) == before);
  CHECK(cache_hits(latest_run(ci_db)) == 40);

  // Without the cassette every request misses: a config failure that names the provider.
  const std::string empty_db = h.dir().file("empty.db");
  auto missing = h.evalgate({"run", "--db", empty_db, "--no-progress", "--cache", "replay"});
  CHECK(missing.exit_code == 3);
  CHECK(requests(h) == before);
  CHECK(missing.err.find("cache miss in replay mode for good/good (key v1:") != std::string::npos);
  for (const auto& t : latest_run(empty_db).trials) {
    CHECK(t.trial.failure == FailureKind::config);
  }
}

TEST_CASE(
    "costs come from the provider block's pricing and sum per candidate and run; --max-cost stops early")
{
  SuiteShape shape;
  shape.cases = 30;
  shape.concurrency = 1;
  shape.extra_provider_keys = "    pricing: {input: 1000, output: 2000}\n";
  Harness h({}, shape);
  auto priced = h.evalgate({"run", "--db", h.db(), "--no-progress", "--format", "json", "--cache", "off"});
  REQUIRE(priced.exit_code == 1);
  const auto report = nlohmann::json::parse(priced.out);
  double sum = 0;
  for (const auto& trial : report.at("trials")) {
    REQUIRE(trial.at("cost_usd").is_number());
    const auto& usage = trial.at("usage");
    const double expected = (usage.at("prompt_tokens").get<double>() * 1000 +
                             usage.at("completion_tokens").get<double>() * 2000) /
                            1e6;
    CHECK(trial.at("cost_usd").get<double>() == doctest::Approx(expected));
    sum += expected;
  }
  CHECK(report.at("summary").at("cost").at("known_usd").get<double>() == doctest::Approx(sum));
  CHECK(report.at("summary").at("cost").at("unknown_cost_trials") == 0);
  const double per_trial = sum / 60;

  const int before = requests(h);
  const double limit = per_trial * 5;
  auto stopped = h.evalgate(
      {"run", "--db", h.db(), "--no-progress", "--cache", "off", "--max-cost", std::to_string(limit)});
  INFO(stopped.err);
  CHECK(stopped.exit_code == 3);
  CHECK(stopped.err.find("evalgate: stopped: spent $") != std::string::npos);
  CHECK(stopped.err.find(" of --max-cost $") != std::string::npos);
  CHECK(stopped.err.find("the run is incomplete and not gated") != std::string::npos);
  const int sent = requests(h) - before;
  CHECK(sent >= 2);
  CHECK(sent < 60);
  const RunData run = latest_run(h.db());
  CHECK(run.info.status == RunStatus::interrupted);
  CHECK(run.info.verdict.empty());
}

TEST_CASE("an unpriced model's cost is unknown in every report, never $0")
{
  Harness h;
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  CHECK(r.out.find("cost unknown") != std::string::npos);
  CHECK(r.out.find("run cost $0.0000 + 40 trials of unknown cost") != std::string::npos);
  for (const auto& t : latest_run(h.db()).trials) {
    CHECK_FALSE(t.trial.cost_usd.has_value());
  }
}

TEST_CASE("--dry-run prints the matrix and an estimate, sends nothing and stores no run")
{
  SuiteShape shape;
  shape.extra_provider_keys = "    pricing: {input: 1, output: 1}\n    params: {max_tokens: 50}\n";
  Harness h({}, shape);
  auto r = h.evalgate({"run", "--db", h.db(), "--dry-run"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("dry run: 1 prompt(s) x 2 provider(s) x 20 case(s) x 1 repeat(s) = 40 trials\n") !=
        std::string::npos);
  CHECK(r.out.find("  p/good (good): 20 trials, ~") != std::string::npos);
  CHECK(r.out.find(" out, est. cost $0.00") != std::string::npos);
  CHECK(r.out.find("no request was sent and no run was written") != std::string::npos);
  CHECK(requests(h) == 0);
  CHECK_FALSE(std::filesystem::exists(h.db()));
}

TEST_CASE("--pricing reads a LiteLLM price file for models the shipped table lacks; a broken file exits 2")
{
  Harness h;
  const std::string prices = h.dir().write(
      "prices.json",
      R"({"sample_spec": {}, "good": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
                       "bad": {"input_cost_per_token": "1e-06", "output_cost_per_token": "2e-06"}})");
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress", "--format", "json", "--pricing", prices});
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  const auto report = nlohmann::json::parse(r.out);
  CHECK(report.at("summary").at("cost").at("unknown_cost_trials") == 0);
  CHECK(report.at("summary").at("cost").at("known_usd").get<double>() > 0);

  const std::string broken = h.dir().write("broken.json", "{\"models\": {\"good\": {\"input\": 1}}}");
  auto bad = h.evalgate({"run", "--db", h.db(), "--no-progress", "--pricing", broken});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "evalgate: " + broken + ": models.good needs 'output' (USD per 1M tokens)\n");
}
