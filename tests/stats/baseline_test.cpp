#include <doctest/doctest.h>

#include <sstream>

#include "run_builder.hpp"
#include "stats/baseline.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

std::string error_of(const std::string& text)
{
  auto parsed = parse_baseline(text, "base.json");
  REQUIRE_FALSE(parsed);
  return parsed.error().str();
}

} // namespace

TEST_CASE("a baseline file is sorted, one case per line, and reads back to the same values")
{
  RunData run = run_with({"v2/gpt", "v1/gpt"});
  run.info.id = "run-1";
  run.info.seed = 7;
  run.trials.push_back(ok_trial("v2/gpt", "b", {score("sim", 1.0 / 3, false), score("contains", 1, true)}));
  run.trials.push_back(ok_trial("v2/gpt", "a", {score("sim", 0.9, true)}));
  run.trials.push_back(ok_trial("v1/gpt", "a", {score("sim", 0.5, true)}));
  run.trials.push_back(ok_trial("v1/gpt", "z", {score("sim", 0.5, false, "judge down")}));
  std::ostringstream out;
  write_baseline(out, run.info, case_table(run));
  CHECK(out.str() == "{\n"
                     "  \"evalgate_baseline\": 1,\n"
                     "  \"run\": \"run-1\",\n"
                     "  \"seed\": 7,\n"
                     "  \"suite\": \"demo\",\n"
                     "  \"candidates\": {\n"
                     "    \"v1/gpt\": {\n"
                     "      \"sim\": {\n"
                     "        \"a\": {\"pass\":true,\"repeats\":1,\"value\":0.5}\n"
                     "      }\n"
                     "    },\n"
                     "    \"v2/gpt\": {\n"
                     "      \"contains\": {\n"
                     "        \"b\": {\"pass\":true,\"repeats\":1,\"value\":1.0}\n"
                     "      },\n"
                     "      \"sim\": {\n"
                     "        \"a\": {\"pass\":true,\"repeats\":1,\"value\":0.9},\n"
                     "        \"b\": {\"pass\":false,\"repeats\":1,\"value\":0.333333}\n"
                     "      }\n"
                     "    }\n"
                     "  }\n"
                     "}\n");
  auto back = parse_baseline(out.str(), "base.json");
  REQUIRE(back);
  CHECK(back->source == "base.json");
  CHECK(back->seed == 7);
  const CaseValue& b = back->candidates.at("v2/gpt").at("sim").at("b");
  CHECK(b.value == doctest::Approx(0.333333));
  CHECK_FALSE(b.pass);
  CHECK(back->candidates.at("v1/gpt").at("sim").count("z") == 0);
}

TEST_CASE("a malformed baseline file gets an error naming the file and the place")
{
  CHECK(error_of("{\n  \"evalgate_baseline\": 1,\n  oops\n}") ==
        "base.json:3:3: not a valid baseline file (JSON syntax): syntax error while parsing object key - "
        "invalid "
        "literal; last read: '1,<U+000A>  o'; expected string literal");
  CHECK(error_of("[]") == "base.json: not a baseline file: expected a JSON object, got []");
  CHECK(error_of("{\"candidates\": {}}") == "base.json: not a baseline file: no \"evalgate_baseline\" key "
                                            "(write one with `evalgate baseline save`)");
  CHECK(error_of("{\"evalgate_baseline\": 2, \"candidates\": {}}") ==
        "base.json: evalgate_baseline: unsupported baseline format 2; this evalgate reads format 1");
  CHECK(error_of("{\"evalgate_baseline\": 1}") ==
        "base.json: candidates: expected an object of candidate id → metric → case → value, got nothing");
  CHECK(error_of("{\"evalgate_baseline\": 1, \"candidates\": {\"v1/gpt\": {\"m\": {\"c1\": {\"pass\": true, "
                 "\"value\": \"high\"}}}}}") ==
        "base.json: candidates.v1/gpt.m.c1.value: expected a number in [0, 1], got \"high\"");
  CHECK(error_of("{\"evalgate_baseline\": 1, \"candidates\": {\"v1/gpt\": {\"m\": {\"c1\": {\"pass\": 1, "
                 "\"value\": 1}}}}}") ==
        "base.json: candidates.v1/gpt.m.c1.pass: expected true or false, got 1");
  CHECK(error_of("{\"evalgate_baseline\": 1, \"candidates\": {\"v1/gpt\": {\"m\": {\"c1\": {\"pass\": true, "
                 "\"value\": 1, \"note\": 2}}}}}") ==
        "base.json: candidates.v1/gpt.m.c1.note: unknown key; expected pass, repeats, value");
}
