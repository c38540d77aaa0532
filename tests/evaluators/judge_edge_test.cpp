// Judge edge cases: empty, unicode and huge outputs reach the judge intact inside their block.
#include <doctest/doctest.h>

#include "judge_support.hpp"

using namespace evalgate;
using evalgate::testing::FakeJudgeClient;
using evalgate::testing::reply_of;

namespace {

struct Judged {
  Score score;
  std::string prompt;
};

Judged judge_output(const std::string& output)
{
  FakeJudgeClient client({reply_of(R"({"pass": true, "score": 1, "reason": "ok"})")});
  auto built = make_evaluator(evalgate::testing::judge_spec({{"type", "rubric"}, {"rubric", "Is helpful"}}),
                              client.context());
  REQUIRE(built);
  Case test_case = evalgate::testing::judge_case(Json::object());
  Trial trial;
  trial.output = output;
  Score score = (*built)->evaluate(EvalInput{test_case, trial});
  return {score, client.prompts().at(0)};
}

} // namespace

TEST_CASE("an empty output is judged as an empty block")
{
  Judged judged = judge_output("");
  CHECK(judged.score.pass);
  CHECK(judged.prompt.find("<<<OUTPUT\n\nOUTPUT>>>") != std::string::npos);
  CHECK(judged.prompt.find("(none given)") != std::string::npos); // no question in the case
}

TEST_CASE("a unicode output reaches the judge byte for byte")
{
  const std::string output = "Привет 👋 — 你好, «quotes» and {{not_a_var}}";
  Judged judged = judge_output(output);
  CHECK(judged.score.pass);
  CHECK(judged.prompt.find("<<<OUTPUT\n" + output + "\nOUTPUT>>>") != std::string::npos);
}

TEST_CASE("a huge output is sent whole")
{
  std::string output;
  for (int i = 0; i < 100000; ++i) {
    output += "line " + std::to_string(i) + " <<<>>>\n";
  }
  Judged judged = judge_output(output);
  CHECK(judged.score.pass);
  CHECK(judged.prompt.size() > output.size());
  CHECK(judged.prompt.find("line 99999 << <>> >") != std::string::npos);
  // Only the template's own block markers remain.
  CHECK(judged.prompt.find("OUTPUT>>>") == judged.prompt.rfind("OUTPUT>>>"));
}
