// Hostile model outputs under the JSON evaluators and in judge replies (docs/robustness.md): JSON
// nested far deeper than any real answer is "not valid JSON" or an unparseable verdict, never a
// stack overflow in a copy, comparison or schema walk; huge and invalid-UTF-8 outputs score.

#include <doctest/doctest.h>

#include "evaluators/judge/verdict_parser.hpp"
#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::score_output;

namespace {

std::string nested(int depth)
{
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

const std::string k_deep = "{\"a\": " + nested(100000) + "}";

} // namespace

TEST_CASE("an output nested 100,000 deep fails every JSON evaluator with the depth as the reason")
{
  const Score is_json = score_output({{"type", "is-json"}}, k_deep);
  CHECK_FALSE(is_json.pass);
  CHECK(is_json.reason == "output is not valid JSON: nested deeper than 256 levels (byte 262)");
  const Json schema = {{"type", "object"}};
  for (const Json& config : {Json{{"type", "json-equals"}, {"value", {{"a", 1}}}},
                             Json{{"type", "json-field"}, {"path", "a"}, {"value", 1}},
                             Json{{"type", "json-schema"}, {"schema", schema}}}) {
    INFO(config.dump());
    const Score s = score_output(config, k_deep);
    CHECK_FALSE(s.pass);
    CHECK(s.reason.find("nested deeper than 256 levels") != std::string::npos);
  }
}

TEST_CASE("JSON nested within the bound is still accepted")
{
  CHECK(score_output({{"type", "is-json"}}, "{\"a\": " + nested(255) + "}").pass);
}

TEST_CASE(
    "a judge reply nested 100,000 deep is no verdict, and a verdict beside it is not taken from inside it")
{
  CHECK_FALSE(evalgate::parse_verdict(k_deep));
  CHECK_FALSE(evalgate::parse_verdict("```json\n" + k_deep + "\n```"));
}

TEST_CASE("a 10 MB output and an output of invalid UTF-8 are scored, not rejected")
{
  const std::string huge(10U * 1024 * 1024, 'a');
  CHECK(score_output({{"type", "contains"}, {"value", "aaa"}}, huge).pass);
  // std::regex recurses per character: above 256 KiB the search is an errored score, not a crash.
  const Score regex = score_output({{"type", "regex"}, {"value", "^a+$"}}, huge);
  CHECK_FALSE(regex.pass);
  CHECK(regex.error.find("output too long for regex search (10485760 bytes > 262144)") != std::string::npos);
  const Score bad = score_output({{"type", "contains"}, {"value", "caf"}}, "caf\xC3 \xFF\xFE");
  CHECK(bad.pass);
  CHECK(bad.error.empty());
}
