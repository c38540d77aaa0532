#include <doctest/doctest.h>

#include <fstream>

#include "harness.hpp"
#include "stored_run.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

std::int64_t failed_trials(const RunData& run)
{
  std::int64_t failed = 0;
  for (const auto& t : run.trials) {
    failed += t.trial.ok() ? 0 : 1;
  }
  return failed;
}

} // namespace

TEST_CASE("a suite runs end to end through the HTTP provider path and the gate catches the bad candidate")
{
  Harness h;
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("GATE FAILED") != std::string::npos);
  CHECK(r.out.find("p/bad") != std::string::npos);
  const RunData run = latest_run(h.db());
  CHECK(run.info.status == RunStatus::completed);
  CHECK(run.trials.size() == 40);
  CHECK(failed_trials(run) == 0);
  CHECK(run.info.verdict == "fail");
  CHECK(h.mock_stats()["requests"].get<int>() == 40);
  for (const auto& t : run.trials) {
    CHECK(t.trial.usage.total_tokens > 0);
  }
}

TEST_CASE("a gate the candidates meet exits 0, and show/runs/--out read the stored run")
{
  SuiteShape shape;
  shape.gate = "gate:\n  - metric: has-answer\n    min_pass_rate: 0.6\n";
  Harness h({}, shape);
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress", "--out", h.dir().file("results.json")});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("GATE PASSED") != std::string::npos);
  auto json = nlohmann::json::parse(std::ifstream(h.dir().file("results.json")));
  CHECK(json["trials"].size() == 40);
  auto show = h.evalgate({"show", "latest", "--db", h.db(), "--format", "json"});
  CHECK(show.exit_code == 0);
  CHECK(nlohmann::json::parse(show.out)["run"]["id"] == json["run"]["id"]);
  auto runs = h.evalgate({"runs", "--db", h.db()});
  CHECK(runs.exit_code == 0);
  CHECK(runs.out.find(json["run"]["id"].get<std::string>()) != std::string::npos);
}

TEST_CASE("500 cases with 10% injected 429 and 500 faults complete every trial")
{
  MockOptions mock;
  mock.faults = {{MockFault::http_429, 0.05}, {MockFault::http_500, 0.05}};
  mock.retry_after_s = 0;
  SuiteShape shape;
  shape.cases = 500;
  shape.concurrency = 32;
  shape.max_retries = 8;
  shape.gate = "gate:\n  - metric: has-answer\n    min_pass_rate: 0.6\n";
  Harness h(mock, shape);
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const RunData run = latest_run(h.db());
  CHECK(run.trials.size() == 1000);
  CHECK(failed_trials(run) == 0);
  const auto stats = h.mock_stats();
  INFO(stats.dump());
  CHECK(stats["requests"].get<int>() > 1000); // faults were injected and retried
  int attempts = 0;
  for (const auto& t : run.trials) {
    attempts += t.trial.attempts;
  }
  CHECK(attempts == stats["requests"].get<int>());
}

TEST_CASE("a provider that always times out fails every trial with timeout and exits 3")
{
  MockOptions mock;
  mock.faults = {{MockFault::timeout, 1.0}};
  mock.timeout_hang_ms = 3000;
  SuiteShape shape;
  shape.cases = 3;
  shape.timeout_ms = 200;
  shape.max_retries = 1;
  Harness h(mock, shape);
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("infrastructure failure") != std::string::npos);
  const RunData run = latest_run(h.db());
  REQUIRE(run.trials.size() == 6);
  for (const auto& t : run.trials) {
    CHECK(t.trial.failure == FailureKind::timeout);
    CHECK(t.trial.attempts == 2);
  }
}

TEST_CASE("an unrecoverable 401 stops the run early with one clear message and exit 3")
{
  MockOptions mock;
  mock.required_api_key = "sk-the-right-key";
  SuiteShape shape;
  shape.cases = 200;
  shape.concurrency = 2;
  shape.api_key_env = "EVALGATE_TEST_KEY";
  Harness h(mock, shape);
  ProcessOptions options;
  options.env["EVALGATE_TEST_KEY"] = "sk-wrong-key-123";
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"}, options);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("HTTP 401") != std::string::npos);
  CHECK(r.err.find("stopping the run") != std::string::npos);
  CHECK(r.err.find("sk-wrong-key-123") == std::string::npos);
  CHECK(r.out.find("sk-wrong-key-123") == std::string::npos);
  CHECK(h.mock_stats()["requests"].get<int>() < 40);
  const RunData run = latest_run(h.db());
  CHECK(run.info.status == RunStatus::failed);
  for (const auto& t : run.trials) {
    CHECK(t.trial.failure == FailureKind::http_4xx);
    CHECK(t.trial.attempts == 1);
    CHECK(t.trial.error.find("sk-wrong-key-123") == std::string::npos);
  }
}

TEST_CASE("a provider nobody listens for stops the run after a few trials instead of retrying every one")
{
  SuiteShape shape;
  shape.cases = 200;
  shape.concurrency = 2;
  shape.max_retries = 1;
  Harness h({}, shape);
  h.mock().stop(); // its port now refuses connections
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  INFO(r.err);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("failed 5 trials in a row without a single success (network)") != std::string::npos);
  CHECK(r.err.find("stopping the run") != std::string::npos);
  const RunData run = latest_run(h.db());
  CHECK(run.info.status == RunStatus::failed);
  CHECK(run.trials.size() < 20);
  for (const auto& t : run.trials) {
    CHECK(t.trial.failure == FailureKind::network);
  }
}

TEST_CASE("an invalid suite exits 2 with the location before any request")
{
  Harness h;
  h.dir().write("bad.yaml",
                "name: x\nprompts:\n  - id: p\n    text: hi\nproviders:\n  - id: a\n    type: opnai\n"
                "datasets: [golden.jsonl]\n");
  auto r = h.evalgate({"run", "bad.yaml", "--db", h.db(), "--no-progress"});
  CHECK(r.exit_code == 2);
  // The list of known types grows with the provider table; the location and suggestion are the point.
  const std::string expected =
      "evalgate: bad.yaml:7:11: unknown provider type 'opnai', did you mean 'openai'? "
      "expected one of: anthropic, azure-openai, exec, field, ";
  CHECK(r.err.substr(0, expected.size()) == expected);
  CHECK(h.mock_stats()["requests"].get<int>() == 0);
  auto v = h.evalgate({"validate", "bad.yaml"});
  CHECK(v.exit_code == 2);
  auto ok = h.evalgate({"validate"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("40 trials per run") != std::string::npos);
}

TEST_CASE("validate checks provider option values the way run does, and only notes a missing key")
{
  Harness h;
  const std::string head = "name: x\nprompts:\n  - id: p\n    text: hi\nproviders:\n";
  h.dir().write("bad-option.yaml", head + "  - id: a\n    type: openai\n    model: m\n"
                                          "    base_url: http://127.0.0.1:1/v1\n    stream: \"yes\"\n"
                                          "datasets: [golden.jsonl]\n");
  auto bad = h.evalgate({"validate", "bad-option.yaml"});
  INFO(bad.err);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("bad-option.yaml:") != std::string::npos);
  CHECK(bad.err.find("stream") != std::string::npos);

  h.dir().write("no-key.yaml", head + "  - id: a\n    type: openai\n    model: m\n"
                                      "    api_key_env: EVALGATE_TEST_KEY_THAT_IS_NOT_SET\n"
                                      "datasets: [golden.jsonl]\n");
  auto no_key = h.evalgate({"validate", "no-key.yaml"});
  INFO(no_key.err);
  CHECK(no_key.exit_code == 0);
  CHECK(
      no_key.out.find("note: environment variable EVALGATE_TEST_KEY_THAT_IS_NOT_SET (api_key_env of provider "
                      "'a') is not set") != std::string::npos);

  h.dir().write("bad-fallback.yaml", head + "  - id: a\n    type: openai\n    model: m\n"
                                            "    base_url: http://127.0.0.1:1/v1\n    fallback: b\n"
                                            "datasets: [golden.jsonl]\n");
  auto fallback = h.evalgate({"validate", "bad-fallback.yaml"});
  CHECK(fallback.exit_code == 2);
  CHECK(fallback.err.find("fallback") != std::string::npos);
  CHECK(h.mock_stats()["requests"].get<int>() == 0);
}

TEST_CASE("unknown flags are usage errors with exit 2")
{
  Harness h;
  CHECK(h.evalgate({"run", "--no-such-flag"}).exit_code == 2);
  CHECK(h.evalgate({"show", "nope", "--db", h.db()}).exit_code == 2);
  CHECK(h.evalgate({"--help"}).exit_code == 0);
}
