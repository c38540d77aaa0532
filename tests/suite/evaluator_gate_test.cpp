// Evaluators (suite and per case), gate rules, and case ids across datasets.

#include <doctest/doctest.h>

#include "suite_scratch.hpp"

using namespace evalgate;
using namespace evalgate::testing;

TEST_CASE("an evaluator written as a plain string gets a clear error")
{
  CHECK(load_error(base_suite("  - contains\n")) ==
        "evalgate.yaml:14:5: each evaluator must be a mapping with a 'type' (e.g. {type: contains, value: refund}), "
        "got 'contains'");
}

TEST_CASE("an evaluator needs a type")
{
  CHECK(load_error(base_suite("  - value: x\n")) ==
        "evalgate.yaml:14:5: each evaluator needs 'type' (an evaluator type; see `evalgate list evaluators`)");
}

TEST_CASE("an unknown evaluator type is reported by the registry at the evaluator")
{
  CHECK(load_error(base_suite("  - type: containz\n    value: x\n")) ==
        "evalgate.yaml:14:5: unknown evaluator type 'containz', did you mean 'contains'?");
}

TEST_CASE("two suite evaluators may not share a metric name")
{
  CHECK(load_error(base_suite("  - type: contains\n    value: y\n")) ==
        "evalgate.yaml:14:5: two evaluators of the suite are both named 'contains' (first at evalgate.yaml:12:5); "
        "give one a distinct 'name'");
}

TEST_CASE("an evaluator naming an undeclared judge is an error")
{
  CHECK(load_error(base_suite("  - type: contains\n    name: c2\n    value: y\n    provider: gradr\n"
                              "judges:\n  - {id: grader, type: openai, model: m}\n")) ==
        "evalgate.yaml:14:5: evaluator 'c2' names provider 'gradr', which is not a judge, did you mean 'grader'? "
        "judges: grader");
}

TEST_CASE("suite evaluators keep the whole mapping as config")
{
  ScratchDir dir;
  auto suite = load_text(dir, base_suite("  - {type: not-contains, name: no-sorry, value: sorry}\n"));
  REQUIRE_MESSAGE(suite, error_text(suite));
  REQUIRE(suite->evaluators.size() == 2);
  CHECK(suite->evaluators[1].type == "not-contains");
  CHECK(suite->evaluators[1].name == "no-sorry");
  CHECK(suite->evaluators[1].config == Json::parse(R"({"type": "not-contains", "name": "no-sorry", "value": "sorry"})"));
  CHECK(suite->evaluators[1].location.str() == "evalgate.yaml:14:5");
}

TEST_CASE("a case evaluator is validated at load and reported at its row")
{
  CHECK(load_error(base_suite(),
                   "{\"id\": \"a\", \"question\": \"q\", \"keyword\": \"k\"}\n"
                   "{\"id\": \"b\", \"question\": \"q\", \"keyword\": \"k\", \"evaluators\": [{\"type\": \"containz\"}]}\n") ==
        "golden.jsonl:row 2: unknown evaluator type 'containz', did you mean 'contains'?");
}

TEST_CASE("a case evaluator may not reuse the metric name of a suite evaluator")
{
  CHECK(load_error(base_suite(),
                   "{\"id\": \"a\", \"question\": \"q\", \"keyword\": \"k\", "
                   "\"evaluators\": [{\"type\": \"contains\", \"value\": \"z\"}]}\n") ==
        "golden.jsonl:row 1: two evaluators of case 'a' are both named 'contains' (first at evalgate.yaml:12:5); "
        "give one a distinct 'name'");
}

TEST_CASE("case evaluators become specs and stay out of vars")
{
  ScratchDir dir;
  auto suite = load_text(dir, base_suite(),
                         "{\"id\": \"a\", \"question\": \"q\", \"keyword\": \"k\", "
                         "\"evaluators\": [{\"type\": \"equals\", \"name\": \"exact\", \"value\": \"k\"}]}\n");
  REQUIRE_MESSAGE(suite, error_text(suite));
  const Case& test_case = suite->cases[0];
  REQUIRE(test_case.evaluators.size() == 1);
  CHECK(test_case.evaluators[0].type == "equals");
  CHECK(test_case.evaluators[0].name == "exact");
  CHECK(test_case.evaluators[0].location.str() == "golden.jsonl:row 1");
  CHECK_FALSE(test_case.vars.contains("evaluators"));
}

TEST_CASE("gate metrics may be declared by case evaluators")
{
  CHECK(load_error(base_suite("gate:\n  - {metric: exact, min_mean: 0.5}\n"),
                   "{\"id\": \"a\", \"question\": \"q\", \"keyword\": \"k\", "
                   "\"evaluators\": [{\"type\": \"equals\", \"name\": \"exact\", \"value\": \"k\"}]}\n") ==
        "(loaded)");
}

TEST_CASE("a gate metric no evaluator declares suggests the nearest and lists the known")
{
  CHECK(load_error(base_suite("gate:\n  - metric: contain\n    min_pass_rate: 0.9\n")) ==
        "evalgate.yaml:15:13: gate metric 'contain' is not declared by any evaluator, did you mean 'contains'? "
        "known metrics: contains");
}

TEST_CASE("a gate candidate must be one of the suite's candidates")
{
  CHECK(load_error(base_suite("gate:\n  - {metric: contains, min_mean: 0.5, candidate: v1/gtp}\n")) ==
        "evalgate.yaml:15:50: gate candidate 'v1/gtp' is not a candidate of this suite, did you mean 'v1/gpt'? "
        "candidates: v1/gpt");
}

TEST_CASE("a gate rule needs at least one check with numbers in [0,1]")
{
  CHECK(load_error(base_suite("gate:\n  - metric: contains\n")) ==
        "evalgate.yaml:15:5: gate rule for 'contains' has no check; give at least one of min_mean, "
        "min_pass_rate, "
        "max_error_rate, max_drop, max_flaky_rate, max_p95_latency_ms, max_cost_usd");
  CHECK(load_error(base_suite("gate:\n  - {metric: contains, min_mean: 80}\n")) ==
        "evalgate.yaml:15:34: 'min_mean' must be a number between 0 and 1, got '80'");
  CHECK(load_error(base_suite("gate:\n  - {metric: contains, min_pas_rate: 0.9}\n")) ==
        "evalgate.yaml:15:24: unknown key 'min_pas_rate', did you mean 'min_pass_rate'? expected one of: "
        "candidate, "
        "confidence, max_cost_usd, max_drop, max_error_rate, max_flaky_rate, max_p95_latency_ms, metric, "
        "min_mean, min_p05, "
        "min_pass_rate");
}

TEST_CASE("gate rules keep every check")
{
  ScratchDir dir;
  auto suite = load_text(dir, base_suite("gate:\n  - {metric: contains, min_mean: 0.5, min_pass_rate: 1, "
                                         "max_error_rate: 0}\n"));
  REQUIRE_MESSAGE(suite, error_text(suite));
  REQUIRE(suite->gate.size() == 1);
  CHECK(suite->gate[0].min_mean == doctest::Approx(0.5));
  CHECK(suite->gate[0].min_pass_rate == doctest::Approx(1.0));
  CHECK(suite->gate[0].max_error_rate == doctest::Approx(0.0));
  CHECK(suite->gate[0].candidate.empty());
  CHECK(suite->gate[0].location.str() == "evalgate.yaml:15:5");
}

TEST_CASE("case ids must be unique across datasets")
{
  ScratchDir dir;
  dir.write("more.jsonl", "{\"id\": \"x\", \"question\": \"q\", \"keyword\": \"k\"}\n\n\n"
                          "{\"id\": \"faq-1\", \"question\": \"q\", \"keyword\": \"k\"}\n");
  std::string suite_text = base_suite();
  suite_text.replace(suite_text.find("  - golden.jsonl\n"), 17, "  - golden.jsonl\n  - more.jsonl\n");
  auto suite = load_text(dir, suite_text);
  REQUIRE_FALSE(suite);
  CHECK(suite.error().category == ErrorCategory::data);
  CHECK(suite.error().str() == "more.jsonl:row 4: duplicate case id 'faq-1' (first at golden.jsonl:row 1)");
}

TEST_CASE("a dataset that cannot be read is a data error naming the path as written")
{
  std::string suite_text = base_suite();
  suite_text.replace(suite_text.find("  - golden.jsonl\n"), 17, "  - datasets/x.jsonl\n");
  CHECK(load_error(suite_text) == "datasets/x.jsonl: cannot open: No such file or directory");
}

TEST_CASE("gate rules read max_drop with confidence, max_flaky_rate, latency and cost limits")
{
  ScratchDir dir;
  auto suite =
      load_text(dir, base_suite("gate:\n  - {metric: contains, max_drop: 0.05, confidence: 0.9, "
                                "max_flaky_rate: 0.1}\n"
                                "  - {max_p95_latency_ms: 1500, max_cost_usd: 2.5, candidate: v1/gpt}\n"));
  REQUIRE(suite);
  REQUIRE(suite->gate.size() == 2);
  CHECK(suite->gate[0].max_drop == 0.05);
  CHECK(suite->gate[0].confidence == 0.9);
  CHECK(suite->gate[0].max_flaky_rate == 0.1);
  CHECK(suite->gate[1].metric.empty());
  CHECK(suite->gate[1].candidate == "v1/gpt");
  CHECK(suite->gate[1].max_p95_latency_ms == 1500);
  CHECK(suite->gate[1].max_cost_usd == 2.5);
}

TEST_CASE("gate confidence must lie strictly between 0 and 1 and needs max_drop; limits must be >= 0")
{
  CHECK(load_error(base_suite("gate:\n  - {metric: contains, max_drop: 0.1, confidence: 1}\n")) ==
        "evalgate.yaml:15:51: 'confidence' must be a number strictly between 0 and 1, got 1");
  CHECK(load_error(base_suite("gate:\n  - {metric: contains, min_mean: 0.1, confidence: 0.9}\n")) ==
        "evalgate.yaml:15:39: 'confidence' applies to max_drop; this rule has no max_drop");
  CHECK(load_error(base_suite("gate:\n  - {max_cost_usd: -1}\n")) ==
        "evalgate.yaml:15:20: 'max_cost_usd' must be a number >= 0, got '-1'");
  CHECK(load_error(base_suite("gate:\n  - {metric: contains, max_drop: 2}\n")) ==
        "evalgate.yaml:15:34: 'max_drop' must be a number between 0 and 1, got '2'");
}

TEST_CASE("case ids must be unique within a dataset, and a third dataset is checked against both before it")
{
  ScratchDir dir;
  dir.write("more.jsonl", "{\"id\": \"m1\", \"question\": \"q\", \"keyword\": \"k\"}\n"
                          "{\"id\": \"m1\", \"question\": \"q\", \"keyword\": \"k\"}\n");
  dir.write("third.jsonl", "{\"id\": \"t1\", \"question\": \"q\", \"keyword\": \"k\"}\n"
                           "{\"id\": \"m1\", \"question\": \"q\", \"keyword\": \"k\"}\n");
  std::string suite_text = base_suite();
  suite_text.replace(suite_text.find("  - golden.jsonl\n"), 17, "  - golden.jsonl\n  - more.jsonl\n");
  auto within = load_text(dir, suite_text);
  REQUIRE_FALSE(within);
  CHECK(within.error().str() == "more.jsonl:row 2: duplicate case id 'm1' (first at more.jsonl:row 1)");

  dir.write("more.jsonl", "{\"id\": \"m1\", \"question\": \"q\", \"keyword\": \"k\"}\n");
  suite_text.replace(suite_text.find("  - more.jsonl\n"), 15, "  - more.jsonl\n  - third.jsonl\n");
  auto across = load_text(dir, suite_text);
  REQUIRE_FALSE(across);
  CHECK(across.error().str() == "third.jsonl:row 2: duplicate case id 'm1' (first at more.jsonl:row 1)");

  dir.write("third.jsonl", "{\"id\": \"t1\", \"question\": \"q\", \"keyword\": \"k\"}\n");
  auto fine = load_text(dir, suite_text);
  REQUIRE(fine);
  REQUIRE(fine->cases.size() >= 3);
  CHECK(fine->cases[fine->cases.size() - 2].id == "m1");
  CHECK(fine->cases[fine->cases.size() - 1].id == "t1");
}
