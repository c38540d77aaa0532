// groundedness / faithfulness, answer-relevance and the context judges end to end through the mock.
#include <doctest/doctest.h>

#include "judge_support.hpp"

using namespace evalgate;
using evalgate::testing::MockJudge;

namespace {

const Json k_vars = {
    {"question", "What is the refund window?"},
    {"expected", "Refunds are accepted within 30 days. A receipt is needed."},
    {"context", Json::array({"Refunds within 30 days.", "Our shop opens at 9.", "Bring a receipt."})}};

} // namespace

TEST_CASE("groundedness scores supported claims over all claims and lists the unsupported ones")
{
  MockJudge mock(Json::array({
      {{"contains", "Break the OUTPUT below"},
       {"reply",
        R"({"claims": ["Refunds are accepted within 30 days", "Refunds are paid in cash", "The shop opens at 9"]})"}},
      {{"contains", "Decide for each numbered claim"},
       {"reply",
        "```json\n{\"verdicts\": [{\"claim\": \"a\", \"supported\": true}, {\"claim\": \"b\", \"supported\": "
        "false}, {\"claim\": \"c\", \"supported\": \"yes\"}]}\n```"}},
  }));
  Score score =
      mock.score({{"type", "groundedness"}}, "Refunds within 30 days, paid in cash. We open at 9.", k_vars);
  REQUIRE_MESSAGE(!score.errored(), score.error);
  CHECK(score.value == doctest::Approx(2.0 / 3.0));
  CHECK(score.pass);
  CHECK(score.reason == "2/3 claims supported; unsupported: 'Refunds are paid in cash'");
  CHECK(score.details["unsupported_claims"] == Json::array({"Refunds are paid in cash"}));
  CHECK(score.details["judge_calls"] == 2);
  CHECK(score.details["templates"] ==
        Json{{"claims", "groundedness/claims"}, {"verdicts", "groundedness/verdicts"}});
}

TEST_CASE("faithfulness is groundedness; an output without claims scores 1 and says so")
{
  MockJudge mock(Json::array({{{"contains", "Break the OUTPUT below"}, {"reply", R"({"claims": []})"}}}));
  Score score = mock.score({{"type", "faithfulness"}}, "Hello! How can I help?", k_vars);
  CHECK(score.value == 1);
  CHECK(score.reason == "the output makes no factual claim");
  CHECK(score.details["claims"] == 0);
  CHECK(score.details["judge_calls"] == 1);
}

TEST_CASE("groundedness re-asks when the verdicts do not match the claims, then errors")
{
  MockJudge mock(Json::array({
      {{"contains", "Break the OUTPUT below"}, {"reply", R"({"claims": ["a", "b"]})"}},
      {{"reply", R"({"verdicts": [{"supported": true}]})"}},
  }));
  Score score = mock.score({{"type", "groundedness"}}, "a and b", k_vars);
  CHECK(score.error == R"(judge verdict unparseable: {"verdicts": [{"supported": true}]})");
  CHECK(score.details["retried_because"] == "expected 2 verdicts");
}

TEST_CASE("groundedness needs a context")
{
  MockJudge mock(Json::array({{{"reply", "{}"}}}));
  Score score = mock.score({{"type", "groundedness"}}, "x", {{"question", "q"}});
  CHECK(score.error ==
        "groundedness needs the retrieved context: give cases a 'context' field, or set 'context:'");
}

TEST_CASE("answer-relevance counts statements not marked irrelevant")
{
  MockJudge mock(Json::array({{{"reply", R"({"statements": [
      {"statement": "Refunds within 30 days", "verdict": "yes"},
      {"statement": "Our CEO likes golf", "verdict": "no"},
      {"statement": "Receipts help", "verdict": "idk"},
      {"statement": "Weather is nice", "verdict": "no"}]})"}}}));
  Score score = mock.score({{"type", "answer-relevance"}}, "...", k_vars);
  CHECK(score.value == doctest::Approx(0.5));
  CHECK(score.pass);
  CHECK(score.reason == "2/4 statements relevant; irrelevant: 'Our CEO likes golf', ...");
}

TEST_CASE("context-precision is the average precision of the useful chunks in rank order")
{
  MockJudge mock(Json::array({
      {{"contains", "<<<QUESTION\nnone useful"}, {"reply", R"({"verdicts": [0, 0, 0]})"}},
      {{"reply",
        R"({"verdicts": [{"chunk": 1, "verdict": 1}, {"chunk": 2, "verdict": 0}, {"chunk": 3, "verdict": 1}]})"}},
  }));
  Score score = mock.score({{"type", "context-precision"}}, "x", k_vars);
  // (1/1 + 2/3) / 2
  CHECK(score.value == doctest::Approx(5.0 / 6.0));
  CHECK(score.details["verdicts"] == Json::array({1, 0, 1}));
  Json none = k_vars;
  none["question"] = "none useful";
  CHECK(mock.score({{"type", "context-precision"}}, "x", none).value == 0);
}

TEST_CASE("context-recall is the share of expected statements attributed to the context")
{
  MockJudge mock(Json::array({
      {{"contains", "<<<EXPECTED\nnothing"}, {"reply", R"({"statements": []})"}},
      {{"reply",
        R"({"statements": [{"statement": "30 days", "attributed": 1}, {"statement": "receipt", "attributed": 0}]})"}},
  }));
  Score score = mock.score({{"type", "context-recall"}}, "x", k_vars);
  CHECK(score.value == doctest::Approx(0.5));
  CHECK(score.details["unattributed_statements"] == Json::array({"receipt"}));
  Json empty = k_vars;
  empty["expected"] = "nothing";
  CHECK(mock.score({{"type", "context-recall"}}, "x", empty).error ==
        "context recall undefined: the judge found no statement in the expected answer");
}

TEST_CASE("context-relevance maps ratings 0/1/2 to 0/0.5/1 and skips the call for an empty context")
{
  MockJudge mock(Json::array({{{"reply", R"({"reason": "partly", "rating": 1})"}}}));
  Score score = mock.score({{"type", "context-relevance"}}, "x", k_vars);
  CHECK(score.value == doctest::Approx(0.5));
  CHECK(score.pass);
  Score empty = mock.score({{"type", "context-relevance"}, {"context", "{{docs}}"}}, "x",
                           {{"question", "q"}, {"docs", Json::array()}});
  CHECK(empty.value == 0);
  CHECK(empty.details["judge_calls"] == 0);
}

TEST_CASE("a context given in config as a list variable keeps its chunks")
{
  MockJudge mock(
      Json::array({{{"contains", "<<<CONTEXT 2\nsecond"}, {"reply", R"({"rating": 2})"}}, {{"reply", "?"}}}));
  Score score = mock.score({{"type", "context-relevance"}, {"context", "{{docs}}"}}, "x",
                           {{"question", "q"}, {"docs", Json::array({"first", "second"})}});
  CHECK(score.value == 1);
}
