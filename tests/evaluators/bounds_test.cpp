#include <doctest/doctest.h>

#include <optional>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;
using evalgate::testing::spec_of;

namespace {

Score score_trial(const Json& config, const Trial& trial)
{
  auto built = make_evaluator(spec_of(config));
  REQUIRE(built);
  Case test_case;
  return (*built)->evaluate(EvalInput{test_case, trial});
}

Trial trial_costing(std::optional<double> cost)
{
  Trial trial;
  trial.output = "ok";
  trial.cost_usd = cost;
  return trial;
}

Trial trial_using(std::int64_t prompt, std::int64_t completion, std::int64_t total)
{
  Trial trial;
  trial.output = "ok";
  trial.usage.prompt_tokens = prompt;
  trial.usage.completion_tokens = completion;
  trial.usage.total_tokens = total;
  return trial;
}

} // namespace

TEST_CASE("word-count counts whitespace-separated words, Unicode spaces included")
{
  const Json config = {{"type", "word-count"}, {"min", 2}, {"max", 3}};
  CHECK(score_output(config, "one two").reason == "2 words, between 2 and 3");
  CHECK(score_output(config, "uno\u00a0dos\u3000tres").pass);
  Score many = score_output(config, "a b c d");
  CHECK_FALSE(many.pass);
  CHECK(many.reason == "4 words, expected between 2 and 3");
  CHECK(score_output(config, "").reason == "0 words, expected between 2 and 3");
  CHECK(score_output({{"type", "word-count"}, {"max", 1}}, "  word  ").reason == "1 word, at most 1");
}

TEST_CASE("word-count handles a huge output")
{
  std::string big;
  for (int i = 0; i < 200000; ++i) {
    big += "w ";
  }
  CHECK(score_output({{"type", "word-count"}, {"min", 200000}}, big).reason ==
        "200000 words, at least 200000");
}

TEST_CASE("char-count counts code points")
{
  const Json config = {{"type", "char-count"}, {"max", 5}};
  CHECK(score_output(config, "héllo").reason == "5 chars, at most 5");
  CHECK(score_output(config, "👍👍👍👍👍👍").reason == "6 chars, expected at most 5");
  CHECK(score_output({{"type", "char-count"}, {"min", 1}}, "").reason == "0 chars, expected at least 1");
}

TEST_CASE("count bounds need min or max, whole numbers, min <= max")
{
  CHECK(build_error({{"type", "word-count"}}) ==
        "evalgate.yaml:7:5: evaluator 'word-count' needs 'min' or 'max' (the word count bounds)");
  CHECK(build_error({{"type", "char-count"}, {"min", 10}, {"max", 2}}) ==
        "evalgate.yaml:7:5: evaluator 'char-count' has min 10 > max 2");
  CHECK(build_error({{"type", "char-count"}, {"max", -1}}) ==
        "evalgate.yaml:7:5: evaluator 'char-count' key 'max' must be a whole number >= 0, got -1");
  CHECK(
      build_error({{"type", "not-word-count"}, {"max", 1}}) ==
      "evalgate.yaml:7:5: evaluator type 'word-count' cannot be negated, so 'not-word-count' is not a type");
}

TEST_CASE("max-cost compares the trial cost with the limit")
{
  const Json config = {{"type", "max-cost"}, {"value", 0.01}};
  Score cheap = score_trial(config, trial_costing(0.00042));
  CHECK(cheap.pass);
  CHECK(cheap.reason == "cost $0.00042 <= $0.01");
  Score dear = score_trial(config, trial_costing(0.013));
  CHECK_FALSE(dear.pass);
  CHECK(dear.reason == "cost $0.013 > $0.01");
  CHECK(score_trial(config, trial_costing(0.0)).pass);
}

TEST_CASE("max-cost on a trial of unknown cost is an errored score, not a pass")
{
  Score s = score_trial({{"type", "max-cost"}, {"value", 0.01}}, trial_costing(std::nullopt));
  CHECK(s.errored());
  CHECK_FALSE(s.pass);
  CHECK(s.error ==
        "trial cost is unknown (no price for the model; set the provider's `pricing`), so the $0.01 "
        "bound cannot be checked");
}

TEST_CASE("max-cost needs a non-negative number")
{
  CHECK(build_error({{"type", "max-cost"}, {"value", "$1"}}) ==
        "evalgate.yaml:7:5: evaluator 'max-cost' key 'value' must be a number, got string");
  CHECK(build_error({{"type", "max-cost"}, {"value", -0.5}}) ==
        "evalgate.yaml:7:5: evaluator 'max-cost' key 'value' must be >= 0, got -0.5");
  CHECK(build_error({{"type", "max-cost"}}) ==
        "evalgate.yaml:7:5: evaluator 'max-cost' needs 'value' (the cost limit in US dollars)");
}

TEST_CASE("max-tokens bounds completion, prompt or total tokens")
{
  const Trial trial = trial_using(1000, 180, 1180);
  CHECK(score_trial({{"type", "max-tokens"}, {"value", 256}}, trial).reason ==
        "180 completion tokens <= 256");
  CHECK(score_trial({{"type", "max-tokens"}, {"value", 256}, {"of", "prompt"}}, trial).reason ==
        "1000 prompt tokens > 256");
  CHECK(score_trial({{"type", "max-tokens"}, {"value", 1180}, {"of", "total"}}, trial).pass);
  CHECK(score_trial({{"type", "max-tokens"}, {"value", 1000}, {"of", "total"}}, trial_using(900, 200, 0))
            .reason == "1100 total tokens > 1000");
}

TEST_CASE("max-tokens without reported usage is an errored score")
{
  Score s = score_trial({{"type", "max-tokens"}, {"value", 256}}, trial_using(0, 0, 0));
  CHECK(s.errored());
  CHECK(s.error ==
        "the provider reported no token usage, so the 256 completion token bound cannot be checked");
}

TEST_CASE("max-tokens rejects an unknown kind")
{
  CHECK(build_error({{"type", "max-tokens"}, {"value", 10}, {"of", "output"}}) ==
        "evalgate.yaml:7:5: evaluator 'max-tokens' key 'of' must be one of completion, prompt, total; got "
        "'output'");
}
