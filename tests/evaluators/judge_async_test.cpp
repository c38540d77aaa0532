#include <doctest/doctest.h>

#include <future>
#include <mutex>
#include <thread>

#include "embedding_fakes.hpp"
#include "evaluators/embedding/batcher.hpp"
#include "judge_support.hpp"

using namespace evalgate;
using evalgate::testing::FakeEmbedClient;
using evalgate::testing::FakeJudgeClient;
using evalgate::testing::MockJudge;
using evalgate::testing::reply_of;

namespace {

const Json k_rubric = {{"type", "rubric"}, {"rubric", "Answers politely"}};

Score score_async(const Evaluator& evaluator, const EvalInput& input)
{
  std::promise<Score> scored;
  auto score = scored.get_future();
  evaluator.evaluate_async(input, [&scored](Score s) { scored.set_value(std::move(s)); });
  return score.get();
}

void check_same(const Score& a, const Score& b)
{
  CHECK(a.metric == b.metric);
  CHECK(a.value == b.value);
  CHECK(a.pass == b.pass);
  CHECK(a.reason == b.reason);
  CHECK(a.error == b.error);
  CHECK(a.cost_usd == b.cost_usd);
  CHECK(a.details.dump() == b.details.dump());
}

// Holds every judge call until the test answers it, as a slow provider would.
class HeldClient final : public ModelClient {
public:
  void complete(const CallInput&, Done done) override
  {
    std::lock_guard lock(m_mutex);
    m_held.push_back(std::move(done));
  }
  std::vector<Done> take()
  {
    std::lock_guard lock(m_mutex);
    return std::move(m_held);
  }

private:
  std::mutex m_mutex;
  std::vector<Done> m_held;
};

} // namespace

TEST_CASE("rubric scored without a blocked thread gives the same scores and error texts as evaluate()")
{
  MockJudge mock(Json::array({
      {{"contains", "Your previous reply could not be read"}, {"reply", "still no verdict"}},
      {{"contains", "<<<OUTPUT\nWELL"}, {"reply", R"({"reason": "polite", "pass": true, "score": 0.9})"}},
      {{"contains", "<<<OUTPUT\nRUDE"}, {"reply", R"({"reason": "rude", "pass": false})"}},
      {{"reply", "I would say it is decent."}},
  }));
  auto built = mock.build(Json{{"type", "rubric"}, {"rubric", "Answers {{tone}}"}});
  REQUIRE(built);
  const Evaluator& rubric = **built;
  CHECK(rubric.calls_model());
  CHECK(rubric.evaluates_async());
  for (const Json& vars : {Json{{"tone", "politely"}}, Json::object()}) { // no `tone`: a render error
    for (const std::string output : {"WELL done", "RUDE reply", "MALFORMED"}) {
      CAPTURE(output);
      Case test_case = evalgate::testing::judge_case(vars);
      Trial trial;
      trial.output = output;
      const EvalInput input{test_case, trial};
      check_same(score_async(rubric, input), rubric.evaluate(input));
    }
  }
  Case test_case = evalgate::testing::judge_case(Json{{"tone", "politely"}});
  Trial trial;
  trial.output = "MALFORMED";
  CHECK(score_async(rubric, EvalInput{test_case, trial}).error ==
        "judge verdict unparseable: still no verdict");
}

TEST_CASE("every single-call judge asks without a blocked thread and scores the same either way")
{
  FakeJudgeClient client({reply_of(
      R"({"reason": "ok", "pass": true, "score": 1, "choice": "C", "grade": "Y", "compliant": true, "rating": 2})")});
  const Json vars = {{"question", "What is the refund window?"},
                     {"expected", "30 days"},
                     {"context", Json::array({"Refunds are accepted within 30 days."})}};
  for (const Json& config : {Json{{"type", "rubric"}, {"rubric", "Answers politely"}},
                             Json{{"type", "closed-qa"}, {"criteria", "States the window"}},
                             Json{{"type", "factuality"}}, Json{{"type", "policy"}, {"policy", "Be kind"}},
                             Json{{"type", "toxicity"}}, Json{{"type", "context-relevance"}}}) {
    CAPTURE(config.dump());
    auto built = make_evaluator(evalgate::testing::judge_spec(config), client.context());
    REQUIRE(built);
    CHECK((*built)->evaluates_async());
    Case test_case = evalgate::testing::judge_case(vars);
    Trial trial;
    trial.output = "Within 30 days.";
    const EvalInput input{test_case, trial};
    Score async = score_async(**built, input);
    CHECK(async.error.empty());
    CHECK(async.pass);
    check_same(async, (*built)->evaluate(input));
  }
}

TEST_CASE("rubric's judge call failure is the same errored score either way")
{
  CallResult failed = reply_of("");
  failed.failure = FailureKind::http_5xx;
  failed.error = "HTTP 503: overloaded";
  FakeJudgeClient client({failed});
  auto built = make_evaluator(evalgate::testing::judge_spec(k_rubric), client.context());
  REQUIRE(built);
  Case test_case = evalgate::testing::judge_case(Json::object());
  Trial trial;
  trial.output = "hello";
  const EvalInput input{test_case, trial};
  Score async = score_async(**built, input);
  CHECK(async.error == "judge call failed (http_5xx): HTTP 503: overloaded");
  check_same(async, (*built)->evaluate(input));
}

TEST_CASE("rubric's evaluate_async returns before the judge answers and grades where the answer lands")
{
  HeldClient client;
  EvaluatorContext context;
  context.judge_ids = {"grader"};
  context.client = [&client](const std::string&) -> ModelClient* { return &client; };
  auto built = make_evaluator(evalgate::testing::judge_spec(k_rubric), context);
  REQUIRE(built);
  Case test_case = evalgate::testing::judge_case(Json::object());
  Trial trial;
  trial.output = "hello";
  std::optional<Score> scored;
  (*built)->evaluate_async(EvalInput{test_case, trial}, [&scored](Score s) { scored = std::move(s); });
  auto held = client.take();
  REQUIRE(held.size() == 1);
  CHECK_FALSE(scored.has_value());
  // An unparseable verdict is re-asked from the answering thread, still without blocking anyone.
  held[0](reply_of("no verdict here"));
  CHECK_FALSE(scored.has_value());
  held = client.take();
  REQUIRE(held.size() == 1);
  held[0](reply_of(R"({"reason": "fine", "pass": true, "score": 1})"));
  REQUIRE(scored.has_value());
  CHECK(scored->reason == "fine");
  CHECK(scored->details["judge_calls"] == 2);
  CHECK(scored->details["retried_because"].is_null()); // unparseable, not rejected by the check
}

TEST_CASE("embed_async of cached texts answers on the caller's thread before returning")
{
  FakeEmbedClient client;
  EmbeddingBatcher batcher(client, "embed", {2, std::chrono::milliseconds(600000), 100});
  REQUIRE(batcher.embed({"a", "b"}).ok()); // fills a batch: sent at once
  std::optional<EmbedOutcome> answered;
  batcher.embed_async({"b", "a"}, [&answered](EmbedOutcome outcome) { answered = std::move(outcome); });
  REQUIRE(answered.has_value());
  CHECK(answered->ok());
  CHECK(answered->vectors.size() == 2);
  CHECK(client.embed_calls.load() == 1);
}

TEST_CASE("embed_async requests that share a batch are answered together, none of them blocking")
{
  FakeEmbedClient client;
  client.async = true;
  client.vectors["x"] = {1.0f, 0.0f};
  client.vectors["y"] = {0.0f, 1.0f};
  EmbeddingBatcher batcher(client, "embed", {3, std::chrono::milliseconds(600000), 100});
  std::promise<EmbedOutcome> first;
  std::promise<EmbedOutcome> second;
  batcher.embed_async({"x"}, [&first](EmbedOutcome o) { first.set_value(std::move(o)); });
  CHECK(client.embed_calls.load() == 0); // waits for company: the window is long
  batcher.embed_async({"y", "x", "z"}, [&second](EmbedOutcome o) { second.set_value(std::move(o)); });
  EmbedOutcome a = first.get_future().get();
  EmbedOutcome b = second.get_future().get();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK((*a.vectors[0])(0) == 1.0f);
  CHECK((*b.vectors[0])(1) == 1.0f);
  CHECK((*b.vectors[1])(0) == 1.0f);
  REQUIRE(client.batches().size() == 1);
  CHECK(client.batches()[0] == std::vector<std::string>{"x", "y", "z"});
}
