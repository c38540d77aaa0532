#include <doctest/doctest.h>

#include "harness.hpp"
#include "stored_run.hpp"

using namespace evalgate;
using namespace evalgate::testing;

TEST_CASE("stream: true in a provider block runs the suite over SSE with usage and the same verdict")
{
  SuiteShape shape;
  shape.extra_provider_keys = "    stream: true\n";
  Harness h({}, shape);
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  const RunData run = latest_run(h.db());
  CHECK(run.trials.size() == 40);
  for (const auto& t : run.trials) {
    CHECK(t.trial.ok());
    // The mock streams one word per chunk; the reassembled text is its whole reply.
    CHECK((t.trial.output.find("Answer") == 0 || t.trial.output == "I do not know."));
    CHECK(t.trial.usage.total_tokens > 0);
  }
}

TEST_CASE("an http provider posts a body rendered from the case and reads the output path")
{
  Harness h;
  h.dir().write(
      "app.yaml",
      "name: app\nprompts:\n  - id: p\n    text: \"Q: {{question}}\"\nproviders:\n"
      "  - id: app\n    type: http\n    url: http://127.0.0.1:${EVALGATE_MOCK_PORT}/v1/chat/completions\n"
      "    body: {model: good, messages: \"{{messages}}\", metadata: {case: \"{{id}}\"}}\n"
      "    output: choices.0.message.content\n    retry_base_ms: 1\n"
      "datasets: [golden.jsonl]\nevaluators:\n  - type: contains\n    name: has-answer\n"
      "    value: \"{{keyword}}\"\ngate:\n  - metric: has-answer\n    min_pass_rate: 0.9\n");
  auto r = h.evalgate({"run", "app.yaml", "--db", h.db(), "--no-progress"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const RunData run = latest_run(h.db());
  REQUIRE(run.trials.size() == 20);
  for (const auto& t : run.trials) {
    CHECK(t.trial.ok());
    CHECK(t.trial.output.find("Answer") == 0);
  }
}

TEST_CASE("a bad provider option value stops the run with the provider's location before any request")
{
  SuiteShape shape;
  shape.extra_provider_keys = "    stream: \"yes\"\n";
  Harness h({}, shape);
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("provider 'good': stream must be true or false, got \"yes\"") != std::string::npos);
  CHECK(h.mock_stats()["requests"].get<int>() == 0);
}
