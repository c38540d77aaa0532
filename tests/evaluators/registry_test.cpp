#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;
using evalgate::testing::spec_of;

TEST_CASE("an unknown evaluator type suggests the nearest name")
{
  CHECK(build_error({{"type", "containz"}, {"value", "x"}}) ==
        "evalgate.yaml:7:5: unknown evaluator type 'containz', did you mean 'contains'?");
  CHECK(build_error({{"type", "not-containz"}, {"value", "x"}}) ==
        "evalgate.yaml:7:5: unknown evaluator type 'not-containz', did you mean 'not-contains'?");
  CHECK(build_error({{"type", "is_json"}}) == "evalgate.yaml:7:5: unknown evaluator type 'is_json', did you mean 'is-json'?");
}

TEST_CASE("an unknown evaluator type far from every name gets no suggestion")
{
  CHECK(build_error({{"type", "sentiment"}}) ==
        "evalgate.yaml:7:5: unknown evaluator type 'sentiment'; see `evalgate list evaluators`");
}

TEST_CASE("unknown evaluator type errors are config errors")
{
  auto built = make_evaluator(spec_of({{"type", "containz"}}));
  REQUIRE_FALSE(built);
  CHECK(built.error().category == ErrorCategory::config);
}

TEST_CASE("an unknown key lists the keys the evaluator accepts")
{
  CHECK(build_error({{"type", "contains"}, {"vaule", "x"}}) ==
        "evalgate.yaml:7:5: unknown key 'vaule' in evaluator 'contains'; expected one of: name, threshold, type, value");
  CHECK(build_error({{"type", "regex"}, {"value", "x"}, {"flag", "i"}}) ==
        "evalgate.yaml:7:5: unknown key 'flag' in evaluator 'regex'; expected one of: flags, name, threshold, type, "
        "value");
}

TEST_CASE("config errors name the evaluator as written, not- included")
{
  CHECK(build_error({{"type", "not-contains"}, {"vaule", "x"}}) ==
        "evalgate.yaml:7:5: unknown key 'vaule' in evaluator 'not-contains'; expected one of: name, threshold, type, "
        "value");
}

TEST_CASE("threshold must be a number between 0 and 1")
{
  CHECK(build_error({{"type", "contains"}, {"value", "x"}, {"threshold", "high"}}) ==
        "evalgate.yaml:7:5: evaluator 'contains' key 'threshold' must be a number, got string");
  CHECK(build_error({{"type", "contains"}, {"value", "x"}, {"threshold", 1.5}}) ==
        "evalgate.yaml:7:5: evaluator 'contains' key 'threshold' must be between 0 and 1, got 1.5");
  CHECK(build_error({{"type", "contains"}, {"value", "x"}, {"name", 3}}) ==
        "evalgate.yaml:7:5: evaluator 'contains' key 'name' must be a string, got number");
}

TEST_CASE("the metric is the spec name, defaulting to the type as written")
{
  CHECK(score_output({{"type", "contains"}, {"value", "a"}, {"name", "has-a"}}, "a").metric == "has-a");
  CHECK(score_output({{"type", "not-contains"}, {"value", "a"}}, "a").metric == "not-contains");
}

TEST_CASE("not- flips the value, the verdict and prefixes the reason")
{
  Score clean = score_output({{"type", "not-contains"}, {"value", "sorry"}}, "Here is your refund.");
  CHECK(clean.pass);
  CHECK(clean.value == 1.0);
  CHECK(clean.reason == "negated: expected to contain 'sorry' — not found");
  Score hit = score_output({{"type", "not-contains"}, {"value", "sorry"}}, "I'm sorry.");
  CHECK_FALSE(hit.pass);
  CHECK(hit.value == 0.0);
  CHECK(hit.reason == "negated: contains 'sorry'");
}

TEST_CASE("not- on a graded evaluator complements the score")
{
  Score s = score_output({{"type", "not-contains-all"}, {"value", {"a", "b", "c", "d"}}}, "a b c");
  CHECK(s.value == doctest::Approx(0.25));
  CHECK(s.pass);
}

TEST_CASE("not- never turns an errored score into a pass")
{
  Score s = score_output({{"type", "not-contains"}, {"value", "{{keyword}}"}}, "anything");
  CHECK(s.errored());
  CHECK_FALSE(s.pass);
  CHECK(s.value == 0.0);
  CHECK(s.error == "value: missing variable 'keyword'");
  CHECK(s.reason.empty());
}

TEST_CASE("rows that are not negatable reject not-")
{
  CHECK(build_error({{"type", "not-max-length"}, {"value", 10}}) ==
        "evalgate.yaml:7:5: evaluator type 'max-length' cannot be negated, so 'not-max-length' is not a type");
  CHECK(build_error({{"type", "not-max-latency-ms"}, {"value", 10}}) ==
        "evalgate.yaml:7:5: evaluator type 'max-latency-ms' cannot be negated, so 'not-max-latency-ms' is not a type");
}

TEST_CASE("the evaluator table is alphabetical with a doc line and a factory per row")
{
  const auto& types = evaluator_types();
  REQUIRE_FALSE(types.empty());
  for (std::size_t i = 0; i < types.size(); ++i) {
    CAPTURE(types[i].name);
    CHECK_FALSE(types[i].doc.empty());
    CHECK(types[i].doc.find('\n') == std::string::npos);
    CHECK(static_cast<bool>(types[i].factory));
    if (i > 0) {
      CHECK(types[i - 1].name < types[i].name);
    }
  }
}

TEST_CASE("docs/evaluators.md documents every evaluator")
{
  std::ifstream file(std::string(EVALGATE_SOURCE_DIR) + "/docs/evaluators.md");
  REQUIRE(file.good());
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string docs = buffer.str();
  for (const auto& type : evaluator_types()) {
    CAPTURE(type.name);
    CHECK(docs.find("## `" + type.name + "`") != std::string::npos);
    // The overview table repeats the registry's doc line, so the two cannot drift apart.
    CHECK(docs.find("| `" + type.name + "` | " + type.doc + " | " + (type.negatable ? "yes" : "no") + " |") !=
          std::string::npos);
  }
  CHECK(docs.find("`not-`") != std::string::npos);
}

TEST_CASE("one evaluator scores correctly from several threads at once")
{
  auto fixed = make_evaluator(spec_of({{"type", "regex"}, {"value", "a+b"}, {"flags", "i"}}));
  auto templated = make_evaluator(spec_of({{"type", "contains-all"}, {"value", "{{words}}"}}));
  REQUIRE(fixed);
  REQUIRE(templated);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Case test_case;
      test_case.vars = {{"words", t % 2 == 0 ? "x, y" : "x, z"}};
      Trial trial;
      trial.output = t % 2 == 0 ? "AAB x y" : "nothing x";
      for (int i = 0; i < 500; ++i) {
        const bool even = t % 2 == 0;
        if ((*fixed)->evaluate({test_case, trial}).pass != even ||
            (*templated)->evaluate({test_case, trial}).pass != even) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(wrong.load() == 0);
}
