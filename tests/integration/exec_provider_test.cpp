#include <doctest/doctest.h>

#include <fstream>
#include <map>

#include "harness.hpp"
#include "stored_run.hpp"

using namespace evalgate;
using namespace evalgate::testing;

TEST_CASE("an exec provider scores the user's own program, and shell metacharacters in vars stay inert")
{
  Harness h;
  const std::string script = std::string(EVALGATE_TEST_FIXTURES) + "/exec/echo_var.sh";
  h.dir().write("exec.yaml", "name: exec-suite\n"
                             "prompts:\n  - id: p\n    text: \"Q: {{question}}\"\n"
                             "providers:\n  - id: app\n    type: exec\n    command: [" +
                                 nlohmann::json(script).dump() +
                                 ", EVALGATE_VAR_QUESTION]\n"
                                 "datasets: [cases.jsonl]\n"
                                 "evaluators:\n  - type: contains\n    value: \"{{question}}\"\n");
  const std::string nasty = "x'; rm -rf \"$HOME\" #`id` $(touch pwned) | > out";
  h.dir().write("cases.jsonl", nlohmann::json{{"id", "plain"}, {"question", "refund?"}}.dump() + "\n" +
                                   nlohmann::json{{"id", "nasty"}, {"question", nasty}}.dump() + "\n");
  auto r = h.evalgate({"run", "exec.yaml", "--db", h.db(), "--no-progress"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  const RunData run = latest_run(h.db());
  std::map<std::string, std::string> outputs;
  for (const auto& t : run.trials) {
    CHECK(t.trial.ok());
    outputs[t.trial.case_id] = t.trial.output;
  }
  CHECK(outputs["plain"] == "[refund?]");
  CHECK(outputs["nasty"] == "[" + nasty + "]");
  CHECK_FALSE(std::ifstream(h.dir().file("pwned")).good());
  CHECK(h.mock_stats()["requests"].get<int>() == 0);
}
