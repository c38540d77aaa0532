// The happy path: a complete suite in YAML and the same suite in JSON load to the same Suite.

#include <doctest/doctest.h>

#include "suite/suite_loader.hpp"
#include "suite_test_support.hpp"

using namespace evalgate;
using evalgate::testing::fixture;

namespace {

void check_support_bot(const Suite& suite)
{
  CHECK(suite.name == "support-bot");
  CHECK(suite.concurrency == 32);
  CHECK(suite.repeat == 2);
  CHECK(suite.max_error_rate == doctest::Approx(0.25));
  CHECK(suite.base_dir == fixture("valid"));

  REQUIRE(suite.prompts.size() == 3);
  CHECK(suite.prompts[0].id == "v1");
  CHECK_FALSE(suite.prompts[0].is_chat);
  REQUIRE(suite.prompts[0].messages.size() == 1);
  CHECK(suite.prompts[0].messages[0].role == "user");
  // The file's trailing newline is dropped; inner newlines stay.
  CHECK(suite.prompts[0].messages[0].content ==
        "You are a support agent. Question: {{question}}\nPolicy: {{ metadata.policy }}");
  CHECK(suite.prompts[1].messages[0].content == "Answer briefly: {{question}}");
  CHECK(suite.prompts[2].is_chat);
  REQUIRE(suite.prompts[2].messages.size() == 2);
  CHECK(suite.prompts[2].messages[0].role == "system");
  CHECK(suite.prompts[2].messages[1].content == "{{question}}");

  REQUIRE(suite.providers.size() == 2);
  const ProviderSpec& gpt = suite.providers[0];
  CHECK(gpt.id == "gpt");
  CHECK(gpt.type == "openai");
  CHECK(gpt.model == "gpt-4o-mini");
  CHECK(gpt.base_url == "http://127.0.0.1:9/v1");
  CHECK(gpt.api_key_env == "SUPPORT_KEY");
  CHECK(gpt.timeout_ms == 5000);
  CHECK(gpt.max_retries == 2);
  CHECK(gpt.retry_base_ms == 50);
  CHECK(gpt.max_concurrency == 4);
  CHECK(gpt.params["temperature"].is_number());
  CHECK(gpt.params["temperature"] == 0);
  CHECK(gpt.params["seed"].is_number_integer());
  CHECK(gpt.params["seed"] == 7);
  CHECK(gpt.params["stop"] == "7");
  CHECK(suite.providers[1].type == "field");
  CHECK(suite.providers[1].field == "answer");
  CHECK(suite.providers[1].timeout_ms == 60000);

  REQUIRE(suite.judges.size() == 1);
  CHECK(suite.judges[0].id == "grader");
  CHECK(suite.judges[0].model == "gpt-4o");

  CHECK(suite.datasets == std::vector<std::string>{"datasets/golden.jsonl", "datasets/extra.csv"});
  REQUIRE(suite.cases.size() == 3);
  CHECK(suite.cases[0].id == "faq-1");
  CHECK(suite.cases[1].id == "2");
  CHECK(suite.cases[1].row == 3);
  CHECK(suite.cases[1].evaluators.size() == 1);
  CHECK(suite.cases[2].id == "faq-3");
  CHECK(suite.cases[2].dataset == "datasets/extra.csv");

  REQUIRE(suite.evaluators.size() == 2);
  CHECK(suite.evaluators[0].type == "contains");
  CHECK(suite.evaluators[0].name == "contains");
  CHECK(suite.evaluators[0].config["value"] == "{{keyword}}");
  CHECK(suite.evaluators[1].name == "mentions-refund");

  REQUIRE(suite.gate.size() == 2);
  CHECK(suite.gate[0].metric == "contains");
  CHECK(suite.gate[0].min_pass_rate == doctest::Approx(0.95));
  CHECK_FALSE(suite.gate[0].min_mean.has_value());
  CHECK(suite.gate[1].candidate == "v1/gpt");
  CHECK(suite.gate[1].min_mean == doctest::Approx(0.8));
}

} // namespace

TEST_CASE("a complete YAML suite loads with every section")
{
  auto suite = load_suite(fixture("valid/evalgate.yaml"));
  REQUIRE_MESSAGE(suite, testing::error_text(suite));
  check_support_bot(*suite);
  CHECK(suite->path == fixture("valid/evalgate.yaml"));
  CHECK(suite->prompts[1].location.str() == fixture("valid/evalgate.yaml") + ":7:5");
}

TEST_CASE("the same suite written as JSON loads to the same values")
{
  auto suite = load_suite(fixture("valid/evalgate.json"));
  REQUIRE_MESSAGE(suite, testing::error_text(suite));
  check_support_bot(*suite);
  CHECK(suite->prompts[1].location.str() == fixture("valid/evalgate.json") + ":6:5");
}

TEST_CASE("YAML and JSON suites give the same snapshot")
{
  auto yaml = load_suite(fixture("valid/evalgate.yaml"));
  auto json = load_suite(fixture("valid/evalgate.json"));
  REQUIRE(yaml);
  REQUIRE(json);
  CHECK(yaml->snapshot == json->snapshot);
}

TEST_CASE("candidates are prompts times providers in suite order")
{
  auto suite = load_suite(fixture("valid/evalgate.yaml"));
  REQUIRE(suite);
  std::vector<std::string> ids;
  for (const auto& candidate : suite_candidates(*suite)) {
    ids.push_back(candidate.id);
  }
  CHECK(ids == std::vector<std::string>{"v1/gpt", "v1/recorded", "v2/gpt", "v2/recorded", "chat/gpt",
                                        "chat/recorded"});
  CHECK(suite_candidates(*suite)[1].prompt_id == "v1");
  CHECK(suite_candidates(*suite)[1].provider_id == "recorded");
}

TEST_CASE("the snapshot redacts secret-looking params but keeps max_tokens")
{
  auto suite = load_suite(fixture("valid/evalgate.yaml"));
  REQUIRE(suite);
  const Json& params = suite->snapshot["providers"][0]["params"];
  CHECK(params["api_key_header"] == "***redacted***");
  CHECK(params["max_tokens"] == 300);
  CHECK(params["temperature"] == 0);
  CHECK(suite->snapshot["name"] == "support-bot");
  CHECK(suite->snapshot.dump().find("sk-not-a-real-key") == std::string::npos);
  // The loaded spec still carries the value: only the stored snapshot is redacted.
  CHECK(suite->providers[0].params["api_key_header"] == "sk-not-a-real-key");
}
