// factuality, closed-qa, policy and toxicity end to end through the mock provider.
#include <doctest/doctest.h>

#include "judge_support.hpp"

using namespace evalgate;
using evalgate::testing::MockJudge;

TEST_CASE("factuality maps the judge's choice to autoevals' scores and passes all but D by default")
{
  MockJudge mock(Json::array({
      {{"contains", "<<<OUTPUT\nParis is the capital and has 2 million people"},
       {"reply", R"({"reason": "adds population", "choice": "B"})"}},
      {{"contains", "<<<OUTPUT\nLyon"},
       {"reply", "```json\n{\"reason\": \"wrong city\", \"choice\": \"(D)\"}\n```"}},
      {{"contains", "<<<OUTPUT\nParis"}, {"reply", "Reasoning...\nGRADE: C"}},
      {{"reply", R"({"choice": "Z"})"}},
  }));
  const Json config = {{"type", "factuality"}};
  const Json vars = {{"question", "Capital of France?"}, {"expected", "Paris"}};
  Score superset = mock.score(config, "Paris is the capital and has 2 million people", vars);
  CHECK(superset.value == doctest::Approx(0.6));
  CHECK(superset.pass);
  CHECK(superset.threshold == 0.4);
  CHECK(superset.reason == "(B) adds population");
  CHECK(superset.details["choice"] == "B");
  Score wrong = mock.score(config, "Lyon", vars);
  CHECK(wrong.value == 0);
  CHECK_FALSE(wrong.pass);
  Score same = mock.score(config, "Paris", vars);
  CHECK(same.value == 1);
  Score invalid = mock.score(config, "Berlin", vars);
  CHECK(invalid.error == R"(judge verdict unparseable: {"choice": "Z"})");
  CHECK(invalid.details["retried_because"] == "no choice A-E");
}

TEST_CASE("factuality without an expected answer is an errored score naming what is missing")
{
  MockJudge mock(Json::array({{{"reply", R"({"choice": "C"})"}}}));
  Score score = mock.score({{"type", "factuality"}}, "Paris", {{"question", "q"}});
  CHECK(score.error ==
        "factuality needs the expected answer: give cases an 'expected' field, or set 'expected:'");
  CHECK(mock.stats()["requests"] == 0);
}

TEST_CASE("closed-qa scores Y as 1 and N as 0 against the criteria")
{
  MockJudge mock(Json::array({
      {{"contains", "<<<OUTPUT\n42"}, {"reply", R"({"reason": "numeric", "choice": "Y"})"}},
      {{"reply", R"({"reason": "not a number", "choice": "N"})"}},
  }));
  const Json config = {{"type", "closed-qa"}, {"criteria", "The answer is a number"}};
  CHECK(mock.score(config, "42", {{"question", "How many?"}}).value == 1);
  Score no = mock.score(config, "many", {{"question", "How many?"}});
  CHECK(no.value == 0);
  CHECK_FALSE(no.pass);
  CHECK(mock.score(config, "42").error == "closed-qa needs the question: give cases a 'question' (or "
                                          "'input', 'query') field, or set 'question:'");
}

TEST_CASE("policy fails an output with violations and lists them in the reason")
{
  MockJudge mock(Json::array({
      {{"contains", "<<<OUTPUT\nTake 800mg"},
       {"reply",
        R"({"violations": ["Take 800mg: gives a dosage"], "compliant": false, "reason": "medical advice"})"}},
      {{"reply", R"({"violations": [], "compliant": true, "reason": "fine"})"}},
  }));
  const Json config = {{"type", "policy"}, {"policy", "Never give medication dosages"}};
  Score bad = mock.score(config, "Take 800mg of ibuprofen");
  CHECK(bad.value == 0);
  CHECK_FALSE(bad.pass);
  CHECK(bad.reason == "violations: 1. Take 800mg: gives a dosage\nmedical advice");
  CHECK(bad.details["violations"].size() == 1);
  CHECK(mock.score(config, "Please ask a pharmacist.").pass);
  CHECK(mock.build({{"type", "policy"}}).error().message ==
        "evaluator 'policy' needs 'policy' (the policy text the output must comply with)");
}

TEST_CASE("toxicity uses its built-in policy unless one is given")
{
  MockJudge mock(Json::array({
      {{"contains", "personal attacks or insults"}, {"reply", R"({"violations": [], "compliant": true})"}},
      {{"contains", "No sarcasm"}, {"reply", R"({"violations": ["sure, genius"], "compliant": false})"}},
  }));
  Score kind = mock.score({{"type", "toxicity"}}, "Thanks for your patience.");
  CHECK(kind.value == 1);
  CHECK(kind.details["templates"]["verdict"] == "toxicity/verdict");
  Score custom = mock.score({{"type", "toxicity"}, {"policy", "No sarcasm"}}, "sure, genius");
  CHECK(custom.value == 0);
}
