// A suite with a `judges:` block and a rubric evaluator, run by the real binary against the real
// `evalgate mock-provider` process: candidates and judge both answer from its answers file.
#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "mock_provider_process.hpp"
#include "process.hpp"
#include "stored_run.hpp"
#include "temp_dir.hpp"

using namespace evalgate;
using namespace evalgate::testing;

TEST_CASE("evalgate run scores a rubric judge through the judges block against evalgate mock-provider")
{
  TempDir dir;
  const std::string answers =
      Json{{"model", "cand"}, {"contains", "refund"}, {"reply", "Politely: refunds take 30 days."}}.dump() +
      "\n" + Json{{"model", "cand"}, {"contains", "hours"}, {"reply", "Figure it out yourself."}}.dump() +
      "\n" +
      Json{{"model", "judge-model"},
           {"contains", "<<<OUTPUT\nPolitely"},
           {"reply", "```json\n{\"reason\": \"polite\", \"pass\": true, \"score\": 0.9}\n```"}}
          .dump() +
      "\n" +
      Json{{"model", "judge-model"}, {"reply", R"({"reason": "rude", "pass": false, "score": 0.1})"}}.dump() +
      "\n";
  MockProviderProcess mock(dir.write("answers.jsonl", answers));
  dir.write("cases.jsonl", Json{{"id", "refund"}, {"question", "How do refunds work?"}}.dump() + "\n" +
                               Json{{"id", "hours"}, {"question", "What are your hours?"}}.dump() + "\n");
  const std::string base = "http://127.0.0.1:" + std::to_string(mock.port()) + "/v1";
  dir.write("evalgate.yaml",
            "name: judged\n"
            "prompts:\n  - id: p\n    text: \"{{question}}\"\n"
            "providers:\n  - id: bot\n    type: openai\n    model: cand\n    base_url: " +
                base +
                "\n"
                "judges:\n  - id: grader\n    type: openai\n    model: judge-model\n    base_url: " +
                base +
                "\n"
                "datasets:\n  - cases.jsonl\n"
                "evaluators:\n  - type: rubric\n    name: polite\n    rubric: \"Answers politely\"\n"
                "gate:\n  - metric: polite\n    min_pass_rate: 0.9\n");
  auto result = run_process({EVALGATE_BIN, "run", "--db", dir.file("runs.db"), "--no-progress"},
                            {{}, dir.path().string()});
  INFO(result.out);
  INFO(result.err);
  CHECK(result.exit_code == 1);
  CHECK(result.out.find("GATE FAILED") != std::string::npos);

  const RunData run = latest_run(dir.file("runs.db"));
  REQUIRE(run.trials.size() == 2);
  for (const auto& trial : run.trials) {
    REQUIRE(trial.scores.size() == 1);
    const Score& score = trial.scores[0];
    CHECK(score.metric == "polite");
    CHECK_FALSE(score.errored());
    CHECK(score.details["judge"] == "grader");
    CHECK(score.details["templates"]["verdict"] == "rubric/verdict");
    if (trial.trial.case_id == "refund") {
      CHECK(score.pass);
      CHECK(score.value == doctest::Approx(0.9));
    } else {
      CHECK_FALSE(score.pass);
      CHECK(score.reason == "rude");
    }
  }
}

TEST_CASE("evalgate validate rejects a judge evaluator when the suite has no judges")
{
  TempDir dir;
  dir.write("cases.jsonl", "{\"id\": \"a\", \"question\": \"q\"}\n");
  dir.write("evalgate.yaml", "name: unjudged\nprompts:\n  - id: p\n    text: \"{{question}}\"\n"
                             "providers:\n  - id: rec\n    type: field\n    field: question\n"
                             "datasets:\n  - cases.jsonl\n"
                             "evaluators:\n  - type: rubric\n    rubric: \"Answers politely\"\n");
  auto result = run_process({EVALGATE_BIN, "validate"}, {{}, dir.path().string()});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find(
            "evalgate: evalgate.yaml:12:5: evaluator 'rubric' needs a judge: add a 'judges:' block") !=
        std::string::npos);
}

TEST_CASE("evalgate judge calibrate reports agreement, kappa, the confusion matrix and Spearman against "
          "human labels")
{
  TempDir dir;
  const std::string answers =
      Json{{"contains", "<<<OUTPUT\nPolitely"},
           {"reply", R"({"reason": "polite", "pass": true, "score": 0.9})"}}
          .dump() +
      "\n" + Json{{"reply", R"({"reason": "rude", "pass": false, "score": 0.1})"}}.dump() + "\n";
  MockProviderProcess mock(dir.write("answers.jsonl", answers));
  const std::string base = "http://127.0.0.1:" + std::to_string(mock.port()) + "/v1";
  dir.write("cases.jsonl", "{\"id\": \"a\", \"question\": \"q\"}\n");
  dir.write("evalgate.yaml",
            "name: cal\nprompts:\n  - id: p\n    text: \"{{question}}\"\n"
            "providers:\n  - id: rec\n    type: field\n    field: question\n"
            "judges:\n  - id: grader\n    type: openai\n    model: judge-model\n    base_url: " +
                base +
                "\n"
                "datasets:\n  - cases.jsonl\n"
                "evaluators:\n  - type: rubric\n    name: polite\n    rubric: \"Answers politely\"\n");
  // Judge: pass, pass, fail, fail. People: pass, pass, fail, pass.
  dir.write("human.jsonl",
            "{\"question\": \"q1\", \"output\": \"Politely yes\", \"label\": \"pass\", \"score\": 0.9}\n"
            "{\"question\": \"q2\", \"output\": \"Politely no\", \"label\": \"pass\", \"score\": 0.8}\n"
            "{\"question\": \"q3\", \"output\": \"Go away\", \"label\": \"fail\", \"score\": 0.1}\n"
            "{\"question\": \"q4\", \"output\": \"Terse but fine\", \"label\": true, \"score\": 0.7}\n");
  auto json = run_process({EVALGATE_BIN, "judge", "calibrate", "--labels", "human.jsonl", "--evaluator",
                           "polite", "--format", "json"},
                          {{}, dir.path().string()});
  INFO(json.err);
  REQUIRE(json.exit_code == 0);
  const Json report = Json::parse(json.out);
  CHECK(report["n"] == 4);
  CHECK(report["errored"] == 0);
  CHECK(report["pass_fail"]["agreement"].get<double>() == doctest::Approx(0.75));
  CHECK(report["pass_fail"]["kappa"].get<double>() == doctest::Approx(0.5));
  CHECK(report["pass_fail"]["confusion"] == Json{{"human_pass", {{"judge_pass", 2}, {"judge_fail", 1}}},
                                                 {"human_fail", {{"judge_pass", 0}, {"judge_fail", 1}}}});
  CHECK(report["scores"]["spearman"].get<double>() == doctest::Approx(4.0 / std::sqrt(20.0)));

  auto text =
      run_process({EVALGATE_BIN, "judge", "calibrate", "--labels", "human.jsonl", "--evaluator", "polite"},
                  {{}, dir.path().string()});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("pass/fail (n=4): agreement 75.0%, Cohen's kappa 0.500") != std::string::npos);
  CHECK(text.out.find("human pass             2           1") != std::string::npos);

  auto unknown =
      run_process({EVALGATE_BIN, "judge", "calibrate", "--labels", "human.jsonl", "--evaluator", "polit"},
                  {{}, dir.path().string()});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err ==
        "evalgate: suite 'evalgate.yaml' has no evaluator named 'polit'; its evaluators: polite\n");

  dir.write("bad.jsonl", "{\"output\": \"x\", \"label\": \"maybe\"}\n");
  auto bad =
      run_process({EVALGATE_BIN, "judge", "calibrate", "--labels", "bad.jsonl", "--evaluator", "polite"},
                  {{}, dir.path().string()});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "evalgate: bad.jsonl:row 1: 'label' must be pass or fail (or true/false), got \"maybe\"\n");
}
