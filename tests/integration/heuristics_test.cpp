// The heuristic catalogue through the real binary: a `field` provider (no calls), a script
// evaluator resolved against the suite's folder, schema, PII and ROUGE scores stored and reported.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "process.hpp"
#include "temp_dir.hpp"

using namespace evalgate::testing;

namespace {

const char* k_suite = R"(name: heuristics-e2e
prompts:
  - id: p
    text: "{{question}}"
providers:
  - id: recorded
    type: field
    field: answer
datasets:
  - cases.jsonl
evaluators:
  - type: script
    name: scripted
    command: ["./checks/score.sh"]
  - type: json-schema
    schema: {type: object, required: [city], properties: {city: {type: string}}}
  - type: no-pii
  - type: rouge-l
    threshold: 0.3
gate:
  - metric: scripted
    min_pass_rate: 0.5
)";

void write_fixture(const TempDir& dir, const std::string& suite)
{
  dir.write("evalgate.yaml", suite);
  dir.write("cases.jsonl",
            R"({"id":"a","question":"q1","answer":"{\"city\": \"Oslo\"}","expected":"city Oslo"}
{"id":"b","question":"q2","answer":"mail me at bob@example.com","expected":"no"}
)");
  const std::string script =
      dir.write("checks/score.sh", "#!/bin/sh\nif grep -q Oslo; then echo '{\"score\": 1, \"reason\": "
                                   "\"found Oslo\"}'; else echo '{\"score\": 0}'; fi\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
}

nlohmann::json score_of(const nlohmann::json& results, const std::string& case_id, const std::string& metric)
{
  for (const auto& trial : results["trials"]) {
    if (trial["case"] != case_id) {
      continue;
    }
    for (const auto& score : trial["scores"]) {
      if (score["metric"] == metric) {
        return score;
      }
    }
  }
  return nullptr;
}

} // namespace

TEST_CASE("heuristic and script evaluators score a field-provider suite end to end")
{
  TempDir dir;
  write_fixture(dir, k_suite);
  // Run from elsewhere: the script path must resolve against the suite's folder, not the cwd.
  auto r = run_process({EVALGATE_BIN, "run", dir.file("evalgate.yaml"), "--db", dir.file("runs.db"),
                        "--no-progress", "--out", dir.file("results.json")},
                       ProcessOptions{{}, "/", 120000});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const auto results = nlohmann::json::parse(std::ifstream(dir.file("results.json")));
  CHECK(score_of(results, "a", "scripted")["reason"] == "found Oslo");
  CHECK(score_of(results, "b", "scripted")["value"] == 0.0);
  CHECK(score_of(results, "a", "json-schema")["pass"] == true);
  CHECK(score_of(results, "b", "no-pii")["reason"] == "PII found: email b***@example.com");
  CHECK(score_of(results, "a", "rouge-l")["value"] == 1.0);
}

TEST_CASE("validate reports a script that is not there with the suite location")
{
  TempDir dir;
  std::string suite = k_suite;
  suite.replace(suite.find("./checks/score.sh"), 17, "./checks/nope.sh");
  write_fixture(dir, suite);
  auto r = run_process({EVALGATE_BIN, "validate", dir.file("evalgate.yaml")});
  CHECK(r.exit_code == 2);
  CHECK(
      r.err.find("evalgate.yaml:12:5: evaluator 'script' key 'command' program './checks/nope.sh' is not an "
                 "executable file") != std::string::npos);
}
