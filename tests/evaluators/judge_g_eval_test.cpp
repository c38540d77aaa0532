#include <doctest/doctest.h>

#include <cmath>
#include <thread>

#include "evaluators/judge/g_eval_logprobs.hpp"
#include "judge_support.hpp"

using namespace evalgate;
using evalgate::testing::FakeJudgeClient;
using evalgate::testing::MockJudge;
using evalgate::testing::reply_of;

namespace {

const Json k_config = {{"type", "g-eval"}, {"criteria", "Coherence"}, {"max_score", 5}};

Score run(Evaluator& evaluator, const std::string& output)
{
  Case test_case = evalgate::testing::judge_case({{"question", "q"}});
  Trial trial;
  trial.output = output;
  return evaluator.evaluate(EvalInput{test_case, trial});
}

// OpenAI's logprobs shape for the reply {"score": 4, ...}: the "4" token with alternatives.
Json logprobs_for_four()
{
  auto token = [](const std::string& text, double logprob, Json top = Json::array()) {
    return Json{{"token", text}, {"logprob", logprob}, {"top_logprobs", top}};
  };
  Json top = Json::array({{{"token", "4"}, {"logprob", std::log(0.6)}},
                          {{"token", "3"}, {"logprob", std::log(0.3)}},
                          {{"token", " 5"}, {"logprob", std::log(0.1)}},
                          {{"token", "four"}, {"logprob", std::log(0.05)}},
                          {{"token", "2"}, {"logprob", std::log(0.005)}}});
  return Json{{"content", Json::array({token("{\"", 0), token("score", 0), token("\":", 0), token(" ", 0),
                                       token("4", std::log(0.6), top), token(",", 0),
                                       token(" \"reason\": \"", 0), token("4", 0), token("\"}", 0)})}};
}

} // namespace

TEST_CASE("g-eval generates its steps once per evaluator, keeps them in details, and scores plainly")
{
  MockJudge mock(Json::array({
      {{"contains", "write 3 to 4 concise"}, {"reply", R"({"steps": ["Read it", "Check flow", "Score"]})"}},
      {{"contains", "1. Read it\n2. Check flow"}, {"reply", R"({"score": 4, "reason": "flows well"})"}},
  }));
  auto built = mock.build(k_config);
  REQUIRE(built);
  Score first = run(**built, "one");
  REQUIRE_MESSAGE(!first.errored(), first.error);
  Score second = run(**built, "two");
  CHECK(first.value == doctest::Approx(0.75));
  CHECK(first.details["mode"] == "plain");
  CHECK(first.details["steps"] == Json::array({"Read it", "Check flow", "Score"}));
  CHECK(first.details["steps_source"] == "judge");
  CHECK(first.details["judge_calls"] == 2);
  CHECK(second.details["judge_calls"] == 1);
  CHECK(second.details["steps"] == first.details["steps"]);
  CHECK(mock.stats()["requests"] == 3);
  CHECK(first.reason == "4/5: flows well");
}

TEST_CASE("g-eval steps are generated once even when trials are scored concurrently")
{
  FakeJudgeClient client({reply_of(R"({"steps": ["s1"]})"), reply_of(R"({"score": 3})")});
  auto built = make_evaluator(evalgate::testing::judge_spec(k_config), client.context());
  REQUIRE(built);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { run(**built, "x"); });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  int step_prompts = 0;
  for (const auto& prompt : client.prompts()) {
    step_prompts += prompt.find("write 3 to 4 concise") != std::string::npos ? 1 : 0;
  }
  CHECK(step_prompts == 1);
  CHECK(client.prompts().size() == 5);
}

TEST_CASE("g-eval weights the score by the top logprobs when the judge returns them")
{
  FakeJudgeClient client(
      {reply_of(R"({"score": 4, "reason": "4 good"})", 0.001, Json{{"logprobs", logprobs_for_four()}})});
  Json config = k_config;
  config["steps"] = Json::array({"Check coherence"});
  auto built = make_evaluator(evalgate::testing::judge_spec(config), client.context());
  REQUIRE(built);
  Score score = run(**built, "x");
  REQUIRE_MESSAGE(!score.errored(), score.error);
  // Kept: 4 (0.6), 3 (0.3), 5 (0.1); "four" is not a number and 2 is below p = 0.01.
  const double g = (4 * 0.6 + 3 * 0.3 + 5 * 0.1) / 1.0;
  CHECK(score.details["mode"] == "logprobs");
  CHECK(score.details["weighted_score"].get<double>() == doctest::Approx(g));
  CHECK(score.value == doctest::Approx((g - 1) / 4));
  CHECK(score.details["steps_source"] == "config");
  CHECK(client.prompts().size() == 1);
  CHECK(score.cost_usd == doctest::Approx(0.001));
}

TEST_CASE("logprob weighting finds the score token by the score field, not a later equal token")
{
  Json logprobs = logprobs_for_four();
  // Give the later "4" (inside the reason) different alternatives: they must be ignored.
  logprobs["content"][7]["top_logprobs"] = Json::array({{{"token", "1"}, {"logprob", 0}}});
  auto weighted = logprob_weighted_score(logprobs, 4, 1, 5);
  REQUIRE(weighted);
  CHECK(*weighted == doctest::Approx(3.8));
}

TEST_CASE("logprob weighting gives up (plain mode) when the score token or usable alternatives are missing")
{
  CHECK_FALSE(logprob_weighted_score(Json(nullptr), 4, 1, 5));
  CHECK_FALSE(logprob_weighted_score(Json{{"content", Json::array()}}, 4, 1, 5));
  Json logprobs = logprobs_for_four();
  CHECK_FALSE(logprob_weighted_score(logprobs, 2, 1, 5));
  logprobs["content"][4]["top_logprobs"] = Json::array({{{"token", "9"}, {"logprob", 0}}});
  logprobs["content"][7]["top_logprobs"] = Json::array();
  CHECK_FALSE(logprob_weighted_score(logprobs, 4, 1, 5));
}

TEST_CASE("g-eval rejects a score outside 1..N and errors after the retry")
{
  FakeJudgeClient client({reply_of(R"({"score": 7})")});
  Json config = k_config;
  config["steps"] = Json::array({"s"});
  auto built = make_evaluator(evalgate::testing::judge_spec(config), client.context());
  REQUIRE(built);
  Score score = run(**built, "x");
  CHECK(score.error == R"(judge verdict unparseable: {"score": 7})");
  CHECK(score.details["retried_because"] == "no whole 'score' from 1 to 5");
}

TEST_CASE("g-eval step generation that fails errors every score of the evaluator")
{
  FakeJudgeClient client({reply_of("no steps here")});
  auto built = make_evaluator(evalgate::testing::judge_spec(k_config), client.context());
  REQUIRE(built);
  CHECK(run(**built, "x").error ==
        "g-eval could not generate evaluation steps: judge verdict unparseable: no steps here");
  CHECK(run(**built, "y").errored());
  CHECK(client.prompts().size() == 2);
}

TEST_CASE("g-eval config errors")
{
  FakeJudgeClient client({reply_of("{}")});
  auto no_criteria = make_evaluator(evalgate::testing::judge_spec({{"type", "g-eval"}}), client.context());
  CHECK(no_criteria.error().message ==
        "evaluator 'g-eval' needs 'criteria' (what the output is judged on, e.g. \"coherence: ...\")");
  auto bad_max =
      make_evaluator(evalgate::testing::judge_spec({{"type", "g-eval"}, {"criteria", "c"}, {"max_score", 1}}),
                     client.context());
  CHECK(bad_max.error().message == "evaluator 'g-eval' key 'max_score' must be from 2 to 100, got 1");
}
