#include <doctest/doctest.h>

#include <cmath>
#include <thread>

#include "embedding_fakes.hpp"
#include "evaluators/embedding/batcher.hpp"
#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::FakeEmbedClient;
using evalgate::testing::score_output;
using evalgate::testing::spec_of;

namespace {

Score score_with(const Json& config, FakeEmbedClient& client, const std::string& output,
                 const Json& vars = Json::object())
{
  auto built = make_evaluator(spec_of(config), client.context());
  if (!built) {
    Score failed;
    failed.error = "build failed: " + built.error().str();
    return failed;
  }
  Case test_case;
  test_case.vars = vars;
  Trial trial;
  trial.output = output;
  return (*built)->evaluate(EvalInput{test_case, trial});
}

std::string build_error_with(const Json& config, const EvaluatorContext& context)
{
  auto built = make_evaluator(spec_of(config), context);
  return built ? std::string("(built)") : built.error().str();
}

const Json k_provider_config = {{"type", "similarity"}, {"reference", "{{expected}}"}, {"provider", "embed"}};

} // namespace

TEST_CASE("similarity with the built-in embedder scores identical texts 1 and passes")
{
  Score s = score_output({{"type", "similarity"}, {"reference", "{{expected}}"}}, "Refunds take 5 days.",
                         {{"expected", "refunds take 5 days"}});
  CHECK_FALSE(s.errored());
  CHECK(s.value == doctest::Approx(1.0));
  CHECK(s.pass);
  CHECK(s.threshold == 0.8);
  CHECK(s.metric == "similarity");
  CHECK(s.reason ==
        "cosine similarity 1.000 to the reference 'refunds take 5 days' (at or above 0.8, built-in "
        "embedder)");
  CHECK(s.details["embedder"] == "built-in");
  CHECK(s.details["dimensions"] == 512);
}

TEST_CASE("similarity with the built-in embedder fails unrelated text against the default threshold 0.8")
{
  Score s =
      score_output({{"type", "similarity"}, {"reference", "The refund arrives within five business days."}},
                   "Photosynthesis converts sunlight into chemical energy.");
  CHECK_FALSE(s.errored());
  CHECK(s.value < 0.2);
  CHECK_FALSE(s.pass);
  CHECK(s.reason.find("below 0.8") != std::string::npos);
}

TEST_CASE("the built-in path is pure CPU and a provider-backed one waits on a model")
{
  auto builtin = make_evaluator(spec_of({{"type", "similarity"}, {"reference", "x"}}));
  REQUIRE(builtin);
  CHECK_FALSE((*builtin)->calls_model());
  FakeEmbedClient client;
  auto backed = make_evaluator(spec_of(k_provider_config), client.context());
  REQUIRE(backed);
  CHECK((*backed)->calls_model());
  // At suite validation there are judge ids but no clients yet.
  EvaluatorContext validation;
  validation.judge_ids = {"embed"};
  auto validated = make_evaluator(spec_of(k_provider_config), validation);
  REQUIRE(validated);
  CHECK((*validated)->calls_model());
}

TEST_CASE("similarity through a provider is the cosine of the provider's vectors")
{
  FakeEmbedClient client;
  client.vectors["the answer"] = {3, 4, 0};
  client.vectors["the reference"] = {4, 3, 0};
  Score s = score_with(k_provider_config, client, "the answer", {{"expected", "the reference"}});
  CHECK_FALSE(s.errored());
  CHECK(s.value == doctest::Approx(0.96).epsilon(1e-6));
  CHECK(s.pass);
  CHECK(s.details["embedder"] == "embed");
  CHECK(s.details["dimensions"] == 3);
  CHECK(client.embed_calls.load() == 1);
}

TEST_CASE("a negative cosine is clamped to 0 and a custom threshold applies")
{
  FakeEmbedClient client;
  client.vectors["up"] = {0, 1};
  client.vectors["down"] = {0, -1};
  client.vectors["diagonal"] = {1, 1};
  Json config = k_provider_config;
  Score opposite = score_with(config, client, "up", {{"expected", "down"}});
  CHECK(opposite.value == 0.0);
  CHECK_FALSE(opposite.pass);
  config["threshold"] = 0.7;
  Score diagonal = score_with(config, client, "up", {{"expected", "diagonal"}});
  CHECK(diagonal.value == doctest::Approx(1.0 / std::sqrt(2.0)).epsilon(1e-6));
  CHECK(diagonal.pass);
  CHECK(diagonal.threshold == 0.7);
}

TEST_CASE("an embed failure is an errored score carrying the provider's message")
{
  FakeEmbedClient client;
  client.fail_with = "HTTP 401: Incorrect API key provided";
  Score s = score_with(k_provider_config, client, "answer", {{"expected", "reference"}});
  CHECK(s.errored());
  CHECK_FALSE(s.pass);
  CHECK(s.value == 0.0);
  CHECK(s.error == "embedding provider 'embed' failed: HTTP 401: Incorrect API key provided");
}

TEST_CASE("vectors of different dimensions for output and reference are an errored score")
{
  FakeEmbedClient client;
  client.vectors["answer"] = {1, 0, 0};
  client.vectors["reference"] = {1, 0};
  Score s = score_with(k_provider_config, client, "answer", {{"expected", "reference"}});
  CHECK(s.errored());
  CHECK(s.error == "embedding dimensions differ: the output has 3, the reference has 2");
}

TEST_CASE("an empty output scores 0 without an embedding call")
{
  FakeEmbedClient client;
  Score s = score_with(k_provider_config, client, "", {{"expected", "reference"}});
  CHECK_FALSE(s.errored());
  CHECK(s.value == 0.0);
  CHECK(s.reason == "output is empty");
  CHECK(client.embed_calls.load() == 0);
}

TEST_CASE("a missing or empty reference variable is an errored score")
{
  Score missing = score_output({{"type", "similarity"}, {"reference", "{{expected}}"}}, "x");
  CHECK(missing.error == "reference: missing variable 'expected'");
  Score empty =
      score_output({{"type", "similarity"}, {"reference", "{{expected}}"}}, "x", {{"expected", ""}});
  CHECK(empty.error == "reference: rendered to an empty string");
}

TEST_CASE("not-similarity passes when the output is unlike the reference")
{
  Score s = score_output(
      {{"type", "not-similarity"}, {"reference", "The refund arrives within five days."}, {"threshold", 0.2}},
      "Photosynthesis converts sunlight into chemical energy.");
  CHECK(s.pass);
  CHECK(s.value > 0.8);
}

TEST_CASE("similarity config errors name the key and what was expected")
{
  CHECK(build_error({{"type", "similarity"}}) == "evalgate.yaml:7:5: evaluator 'similarity' needs "
                                                 "'reference' (the text to compare the output with, e.g. "
                                                 "\"{{expected}}\")");
  CHECK(
      build_error({{"type", "similarity"}, {"reference", "x"}, {"refrence", "y"}}) ==
      "evalgate.yaml:7:5: unknown key 'refrence' in evaluator 'similarity'; expected one of: name, provider, "
      "reference, threshold, type");
  CHECK(build_error({{"type", "similarity"}, {"reference", "x"}, {"provider", "embed"}}) ==
        "evalgate.yaml:7:5: evaluator 'similarity' key 'provider' names 'embed', but the suite has no "
        "`judges:`; "
        "add an embedding provider there, or drop 'provider' to use the built-in embedder");
  EvaluatorContext context;
  context.judge_ids = {"grader", "embedder"};
  CHECK(build_error_with({{"type", "similarity"}, {"reference", "x"}, {"provider", "embeder"}}, context) ==
        "evalgate.yaml:7:5: evaluator 'similarity' key 'provider' names 'embeder', which is not a judge id; "
        "did "
        "you mean 'embedder'?");
  CHECK(build_error_with({{"type", "similarity"}, {"reference", "x"}, {"provider", "openai"}}, context) ==
        "evalgate.yaml:7:5: evaluator 'similarity' key 'provider' names 'openai', which is not a judge id "
        "(judges: grader, embedder)");
  CHECK(build_error_with({{"type", "similarity"}, {"reference", "x"}, {"provider", 3}}, context) ==
        "evalgate.yaml:7:5: evaluator 'similarity' key 'provider' must be a string, got number");
}

TEST_CASE("a fixed reference shared by every case is embedded once per run")
{
  FakeEmbedClient client;
  EvaluatorContext context = client.context();
  context.embedding_batchers = std::make_shared<EmbeddingBatchers>();
  // Two evaluators (a suite default and a case's own) share the run's batcher.
  auto first = make_evaluator(
      spec_of({{"type", "similarity"}, {"reference", "policy"}, {"provider", "embed"}}), context);
  auto second = make_evaluator(
      spec_of({{"type", "similarity"}, {"name", "again"}, {"reference", "policy"}, {"provider", "embed"}}),
      context);
  REQUIRE(first);
  REQUIRE(second);
  int sent_policy = 0;
  for (int i = 0; i < 5; ++i) {
    Case test_case;
    Trial trial;
    trial.output = "output " + std::to_string(i);
    CHECK_FALSE((*first)->evaluate({test_case, trial}).errored());
    CHECK_FALSE((*second)->evaluate({test_case, trial}).errored());
  }
  for (const auto& batch : client.batches()) {
    sent_policy += static_cast<int>(std::count(batch.begin(), batch.end(), "policy"));
  }
  CHECK(sent_policy == 1);
  CHECK(client.embed_calls.load() == 5);
}

TEST_CASE("the embedding call's cost is the score's judge cost")
{
  FakeEmbedClient client;
  client.cost_per_call = 0.002;
  Score s = score_with(k_provider_config, client, "answer", {{"expected", "reference"}});
  CHECK(s.cost_usd == doctest::Approx(0.002));
  CHECK_FALSE(s.details.contains("cost_unknown"));
  client.cost_per_call.reset();
  Score unknown = score_with(k_provider_config, client, "answer 2", {{"expected", "reference 2"}});
  CHECK(unknown.details["cost_unknown"] == true);
}

TEST_CASE("similarity scores correctly from several threads through one provider")
{
  FakeEmbedClient client;
  client.async = true;
  client.vectors["same"] = {1, 0};
  client.vectors["other"] = {0, 1};
  auto built = make_evaluator(spec_of(k_provider_config), client.context());
  REQUIRE(built);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Case test_case;
      test_case.vars = {{"expected", "same"}};
      Trial trial;
      trial.output = t % 2 == 0 ? "same" : "other";
      for (int i = 0; i < 50; ++i) {
        if ((*built)->evaluate({test_case, trial}).pass != (t % 2 == 0)) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(wrong.load() == 0);
  CHECK(client.embed_calls.load() <= 2);
}
