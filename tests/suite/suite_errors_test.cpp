// Top-level suite errors: discovery, syntax, unknown keys, wrong types, required keys. Every
// message is asserted verbatim with its location.

#include <doctest/doctest.h>

#include "suite_scratch.hpp"

using namespace evalgate;
using namespace evalgate::testing;

TEST_CASE("a valid scratch suite loads")
{
  CHECK(load_error(base_suite()) == "(loaded)");
}

TEST_CASE("with no path the suite file is found in the working directory")
{
  ScratchDir dir;
  dir.write("evalgate.yml", base_suite());
  dir.write("evalgate.json", "{}");
  dir.write("golden.jsonl", k_golden_jsonl);
  CwdGuard cwd(dir.path());
  auto suite = load_suite("");
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->path == "evalgate.yml");
  CHECK(suite->prompts[0].location.str() == "evalgate.yml:3:5");
}

TEST_CASE("evalgate.yaml wins over evalgate.yml and evalgate.json")
{
  ScratchDir dir;
  dir.write("evalgate.yaml", base_suite());
  dir.write("evalgate.yml", "not: [valid");
  dir.write("golden.jsonl", k_golden_jsonl);
  CwdGuard cwd(dir.path());
  auto suite = load_suite("");
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->path == "evalgate.yaml");
}

TEST_CASE("with no path and no suite file the error names the folder searched")
{
  ScratchDir dir;
  CwdGuard cwd(dir.path());
  auto suite = load_suite("");
  REQUIRE_FALSE(suite);
  CHECK(suite.error().category == ErrorCategory::usage);
  CHECK(suite.error().str() == "no suite file given and none of evalgate.yaml, evalgate.yml, evalgate.json in " +
                                 std::filesystem::current_path().string());
}

TEST_CASE("a suite path that does not exist is a usage error")
{
  auto suite = load_suite("/nonexistent/evalgate.yaml");
  REQUIRE_FALSE(suite);
  CHECK(suite.error().category == ErrorCategory::usage);
  CHECK(suite.error().str() == "/nonexistent/evalgate.yaml: cannot open suite file: No such file or directory");
}

TEST_CASE("a YAML syntax error reports line and column")
{
  ScratchDir dir;
  auto suite = load_text(dir, "name: t\nprompts:\n  - id: v1\n    text: [unclosed\nproviders: []\n");
  REQUIRE_FALSE(suite);
  CHECK(suite.error().category == ErrorCategory::config);
  CHECK(suite.error().str() == "evalgate.yaml:5:10: invalid YAML: end of sequence flow not found");
}

TEST_CASE("a JSON syntax error in a .json suite says JSON")
{
  CHECK(load_error("{\"name\": \"t\",\n  \"prompts\": [\n}\n", k_golden_jsonl, "evalgate.json") ==
        "evalgate.json:3:1: invalid JSON: illegal flow end");
}

TEST_CASE("an empty suite file says what it needs")
{
  CHECK(load_error("# nothing yet\n") ==
        "evalgate.yaml: the suite file is empty; expected prompts, providers and datasets");
}

TEST_CASE("a suite that is a list rather than a mapping is rejected")
{
  CHECK(load_error("- prompts\n") == "evalgate.yaml:1:1: the suite file must be a mapping, got a list");
}

TEST_CASE("an unknown top-level key suggests the nearest name and lists the valid ones")
{
  CHECK(load_error("name: t\nconcurrency: 4\npromts: []\n") ==
        "evalgate.yaml:3:1: unknown key 'promts', did you mean 'prompts'? expected one of: concurrency, datasets, "
        "description, evaluators, gate, judges, max_error_rate, name, prompts, providers, repeat");
}

TEST_CASE("an unknown key with no near name still lists the valid ones")
{
  CHECK(load_error("zzzzzzzz: 1\n") ==
        "evalgate.yaml:1:1: unknown key 'zzzzzzzz'; expected one of: concurrency, datasets, description, "
        "evaluators, gate, judges, max_error_rate, name, prompts, providers, repeat");
}

TEST_CASE("a key given twice is an error at the second")
{
  CHECK(load_error(base_suite("name: again\n")) == "evalgate.yaml:14:1: duplicate key 'name' (first at evalgate.yaml:1:1)");
}

TEST_CASE("concurrency must be a positive integer")
{
  CHECK(load_error(base_suite("concurrency: many\n")) ==
        "evalgate.yaml:14:14: 'concurrency' must be a positive integer, got 'many'");
  CHECK(load_error(base_suite("concurrency: 0\n")) ==
        "evalgate.yaml:14:14: 'concurrency' must be a positive integer, got '0'");
  CHECK(load_error(base_suite("concurrency: [1]\n")) ==
        "evalgate.yaml:14:14: 'concurrency' must be a positive integer, got a list");
}

TEST_CASE("repeat must be a positive integer")
{
  CHECK(load_error(base_suite("repeat: 1.5\n")) == "evalgate.yaml:14:9: 'repeat' must be a positive integer, got '1.5'");
}

TEST_CASE("max_error_rate must be a number between 0 and 1")
{
  CHECK(load_error(base_suite("max_error_rate: 1.5\n")) ==
        "evalgate.yaml:14:17: 'max_error_rate' must be a number between 0 and 1, got '1.5'");
}

TEST_CASE("defaults apply when optional keys are absent")
{
  ScratchDir dir;
  auto suite = load_text(dir, base_suite());
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->concurrency == 16);
  CHECK(suite->repeat == 1);
  CHECK(suite->max_error_rate == doctest::Approx(0.1));
  CHECK(suite->gate.empty());
  CHECK(suite->judges.empty());
}

TEST_CASE("prompts, providers and datasets are required")
{
  CHECK(load_error("name: t\nproviders: [{type: field, field: answer}]\ndatasets: [golden.jsonl]\n") ==
        "evalgate.yaml:1:1: missing required key 'prompts' (the suite needs prompts, providers and datasets)");
  CHECK(load_error("prompts: [\"{{question}}\"]\nproviders: [{type: field, field: question}]\n") ==
        "evalgate.yaml:1:1: missing required key 'datasets' (the suite needs prompts, providers and datasets)");
}

TEST_CASE("prompts and providers must be non-empty lists")
{
  CHECK(load_error("prompts: []\nproviders: [{type: field, field: question}]\ndatasets: [golden.jsonl]\n") ==
        "evalgate.yaml:1:10: 'prompts' must be a non-empty list of prompts ({id, text | file | messages}), got a "
        "list");
  CHECK(load_error("prompts: [hi]\nproviders: {type: field}\ndatasets: [golden.jsonl]\n") ==
        "evalgate.yaml:2:12: 'providers' must be a non-empty list of {id, type, model, ...}, got a mapping");
  CHECK(load_error("prompts: [hi]\nproviders: [{type: field, field: question}]\ndatasets: []\n") ==
        "evalgate.yaml:3:11: 'datasets' must be a non-empty list of dataset files, got a list");
}

TEST_CASE("a suite with only a field provider still needs datasets")
{
  CHECK(load_error("prompts: [hi]\nproviders: [{type: field, field: question}]\n") ==
        "evalgate.yaml:1:1: missing required key 'datasets' (the suite needs prompts, providers and datasets)");
}

TEST_CASE("the suite name defaults to the suite folder's name")
{
  ScratchDir dir;
  auto suite = load_text(dir, "prompts: [\"{{question}}\"]\nproviders: [{type: field, field: question}]\n"
                              "datasets: [golden.jsonl]\n");
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->name == std::filesystem::path(dir.path()).filename().string());
  CHECK(suite->prompts[0].id == "prompt-1");
  CHECK(suite->providers[0].id == "field");
}
