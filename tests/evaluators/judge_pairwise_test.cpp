#include <doctest/doctest.h>

#include "judge_support.hpp"

using namespace evalgate;
using evalgate::testing::MockJudge;

namespace {

const Json k_config = {{"type", "pairwise"}, {"against", "{{expected}}"}};

} // namespace

TEST_CASE("pairwise judges both orders and a consistent preference is a win")
{
  // The judge prefers the candidate in whichever position it is shown.
  MockJudge mock(Json::array({
      {{"contains", "<<<RESPONSE A\nCANDIDATE"}, {"reply", R"({"reason": "more complete", "winner": "A"})"}},
      {{"contains", "<<<RESPONSE B\nCANDIDATE"}, {"reply", R"({"reason": "more complete", "winner": "B"})"}},
  }));
  Score score = mock.score(k_config, "CANDIDATE answer", {{"expected", "REFERENCE answer"}});
  REQUIRE_MESSAGE(!score.errored(), score.error);
  CHECK(score.value == 1);
  CHECK(score.pass);
  CHECK(score.details["orders"] == Json::array({"win", "win"}));
  CHECK(score.details["position_bias"] == false);
  CHECK(score.details["judge_calls"] == 2);
  CHECK(score.reason == "both orders: output win; more complete");
}

TEST_CASE("pairwise: a judge that always picks the first position yields a tie, not a win")
{
  MockJudge mock(Json::array({{{"reply", R"({"winner": "A"})"}}}));
  Score score = mock.score(k_config, "CANDIDATE", {{"expected", "REFERENCE"}});
  CHECK(score.value == 0.5);
  CHECK(score.pass);
  CHECK(score.details["orders"] == Json::array({"win", "loss"}));
  CHECK(score.details["position_bias"] == true);
  CHECK(score.reason == "orders disagree (win as A, loss as B): tie");
}

TEST_CASE("pairwise: a consistent preference for the reference is a loss")
{
  MockJudge mock(Json::array({
      {{"contains", "<<<RESPONSE A\nREFERENCE"}, {"reply", R"({"winner": "A"})"}},
      {{"contains", "<<<RESPONSE B\nREFERENCE"}, {"reply", R"({"winner": "b"})"}},
  }));
  Score score = mock.score(k_config, "CANDIDATE", {{"expected", "REFERENCE"}});
  CHECK(score.value == 0);
  CHECK_FALSE(score.pass);
}

TEST_CASE("pairwise needs 'against'")
{
  MockJudge mock(Json::array({{{"reply", "{}"}}}));
  CHECK(mock.build({{"type", "pairwise"}}).error().message ==
        "evaluator 'pairwise' needs 'against' (the reference answer to compare with, e.g. \"{{expected}}\")");
}
