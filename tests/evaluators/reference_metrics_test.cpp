#include <doctest/doctest.h>

#include <string>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;
using evalgate::testing::spec_of;

namespace {

Score score_with_expected(const Json& config, const std::string& output, const std::string& expected)
{
  auto built = make_evaluator(spec_of(config));
  REQUIRE(built);
  Case test_case;
  test_case.expected = expected;
  Trial trial;
  trial.output = output;
  return (*built)->evaluate(EvalInput{test_case, trial});
}

} // namespace

TEST_CASE("levenshtein scores 1 - distance / longest length against the case's expected")
{
  Score s = score_with_expected({{"type", "levenshtein"}}, "kitten", "sitting");
  CHECK(s.value == doctest::Approx(1.0 - 3.0 / 7.0));
  CHECK_FALSE(s.pass);
  CHECK(s.threshold == 0.8);
  CHECK(s.reason == "levenshtein similarity 0.5714 < 0.8 against 'sitting' — got 'kitten'");
  Score close = score_with_expected({{"type", "levenshtein"}, {"threshold", 0.5}}, "kitten", "sitting");
  CHECK(close.pass);
  CHECK(close.reason == "levenshtein similarity 0.5714 >= 0.5 against 'sitting'");
}

TEST_CASE("levenshtein counts code points, and two empty texts are identical")
{
  CHECK(score_with_expected({{"type", "levenshtein"}}, "héllo", "hello").value == doctest::Approx(0.8));
  CHECK(score_with_expected({{"type", "levenshtein"}}, "", "").value == 1.0);
  CHECK(score_with_expected({{"type", "levenshtein"}}, "", "abc").value == 0.0);
}

TEST_CASE("a reference metric takes a templated value over the case's expected")
{
  Score s = score_output({{"type", "levenshtein"}, {"value", "{{answer}}"}}, "Paris", {{"answer", "Paris"}});
  CHECK(s.value == 1.0);
  CHECK(s.pass);
  Score missing = score_output({{"type", "levenshtein"}, {"value", "{{answer}}"}}, "Paris");
  CHECK(missing.errored());
  CHECK(missing.error == "value: missing variable 'answer'");
}

TEST_CASE("a reference metric without value on a case without expected is an errored score")
{
  Score s = score_output({{"type", "rouge-l"}}, "anything");
  CHECK(s.errored());
  CHECK(s.error == "no reference: set `value` or give the case an `expected` field");
  CHECK_FALSE(s.pass);
}

TEST_CASE("levenshtein handles a long output without running out of memory")
{
  const std::string reference(3000, 'a');
  std::string output = reference;
  output[1500] = 'b';
  CHECK(score_with_expected({{"type", "levenshtein"}}, output, reference).value ==
        doctest::Approx(1.0 - 1.0 / 3000));
}

TEST_CASE("bleu is NLTK's sentence BLEU with method1 smoothing by default")
{
  Score s = score_with_expected({{"type", "bleu"}}, "the cat is on the mat", "the cat sat on the mat");
  CHECK(s.value == doctest::Approx(0.25406637407730737).epsilon(1e-12));
  CHECK(s.threshold == 0.5);
  Score none = score_with_expected({{"type", "bleu"}, {"smoothing", "none"}}, "the cat is on the mat",
                                   "the cat sat on the mat");
  CHECK(none.value < 1e-70);
  CHECK(score_with_expected({{"type", "bleu"}}, "", "the cat").value == 0.0);
  CHECK(score_with_expected({{"type", "bleu"}}, "the cat sat on the mat", "the cat sat on the mat").value ==
        doctest::Approx(1.0));
}

TEST_CASE("bleu rejects an unknown smoothing")
{
  CHECK(build_error({{"type", "bleu"}, {"smoothing", "method7"}}) ==
        "evalgate.yaml:7:5: evaluator 'bleu' key 'smoothing' must be 'method1' or 'none', got 'method7'");
  CHECK(build_error({{"type", "bleu"}, {"smooth", "none"}}) ==
        "evalgate.yaml:7:5: unknown key 'smooth' in evaluator 'bleu'; expected one of: name, smoothing, "
        "threshold, "
        "type, value");
}

TEST_CASE("rouge-1, rouge-2 and rouge-l are F-measures over lowercased word tokens")
{
  const std::string out = "The cat is on the mat";
  const std::string ref = "the cat sat on the mat";
  CHECK(score_with_expected({{"type", "rouge-1"}}, out, ref).value == doctest::Approx(5.0 / 6.0));
  CHECK(score_with_expected({{"type", "rouge-2"}}, out, ref).value == doctest::Approx(0.6));
  Score l = score_with_expected({{"type", "rouge-l"}}, out, ref);
  CHECK(l.value == doctest::Approx(5.0 / 6.0));
  CHECK(l.reason == "rouge-l F 0.8333 >= 0.5 against 'the cat sat on the mat'");
}

TEST_CASE("rouge keeps non-Latin words as tokens and scores empty text 0")
{
  CHECK(score_with_expected({{"type", "rouge-1"}}, "Привет мир", "Привет мир").value == doctest::Approx(1.0));
  CHECK(score_with_expected({{"type", "rouge-1"}}, "", "").value == 0.0);
  CHECK(score_with_expected({{"type", "rouge-l"}}, "!!!", "hello").value == 0.0);
}

TEST_CASE("exact-match applies SQuAD normalisation")
{
  Score s = score_with_expected({{"type", "exact-match"}}, "The Denver Broncos!", "denver broncos");
  CHECK(s.pass);
  CHECK(s.value == 1.0);
  CHECK(s.reason == "exact match 1 >= 1 against 'denver broncos'");
  CHECK_FALSE(score_with_expected({{"type", "exact-match"}}, "Broncos", "denver broncos").pass);
  CHECK(score_with_expected({{"type", "exact-match"}}, "", "the").pass);
}

TEST_CASE("f1 is SQuAD token F1 with multiset overlap")
{
  Score s = score_with_expected({{"type", "f1"}}, "Barack Obama", "President Barack Obama");
  CHECK(s.value == doctest::Approx(0.8));
  CHECK(s.pass);
  CHECK(score_with_expected({{"type", "f1"}}, "", "").value == 0.0);
  CHECK(score_with_expected({{"type", "f1"}}, "repeated repeated repeated words", "repeated words").value ==
        doctest::Approx(2 * 0.5 * 1.0 / 1.5));
}

TEST_CASE("reference metrics reject a value that is not text")
{
  CHECK(build_error({{"type", "f1"}, {"value", Json::object({{"a", 1}})}}) ==
        "evalgate.yaml:7:5: evaluator 'f1' key 'value' must be a string or a list of strings, got object");
  CHECK(build_error({{"type", "f1"}, {"value", {"ok", true}}}) ==
        "evalgate.yaml:7:5: evaluator 'f1' key 'value' must be a string or a list of strings, got boolean");
  CHECK(build_error({{"type", "levenshtein"}, {"threshold", 2}}) ==
        "evalgate.yaml:7:5: evaluator 'levenshtein' key 'threshold' must be between 0 and 1, got 2");
}

TEST_CASE("not-levenshtein complements the similarity")
{
  Score s = score_with_expected({{"type", "not-levenshtein"}}, "abc", "xyz");
  CHECK(s.value == 1.0);
  CHECK(s.pass);
}

TEST_CASE("quadratic metrics refuse inputs too large to compare, as an errored score")
{
  const std::string output(20000, 'a');
  const std::string reference(6000, 'b');
  Score s = score_with_expected({{"type", "levenshtein"}}, output, reference);
  CHECK(s.errored());
  CHECK(s.error ==
        "output and reference too long for levenshtein (20000 × 6000 code points > 100000000 cells)");
  std::string words;
  for (int i = 0; i < 12000; ++i) {
    words += "w" + std::to_string(i) + " ";
  }
  Score l = score_with_expected({{"type", "rouge-l"}}, words, words);
  CHECK(l.errored());
  CHECK(l.error == "output and reference too long for rouge-l (12000 × 12000 tokens > 100000000 cells)");
}

TEST_CASE("n-gram metrics handle a huge output")
{
  std::string words;
  for (int i = 0; i < 50000; ++i) {
    words += "w" + std::to_string(i % 1000) + " ";
  }
  CHECK(score_with_expected({{"type", "rouge-2"}}, words, words).value == doctest::Approx(1.0));
  CHECK(score_with_expected({{"type", "bleu"}}, words, words).value == doctest::Approx(1.0));
  CHECK(score_with_expected({{"type", "f1"}}, words, words).value == doctest::Approx(1.0));
}

TEST_CASE("exact-match and f1 take several references and score the best, as SQuAD does")
{
  const Json config = {{"type", "f1"}, {"value", {"Denver Broncos", "{{alias}}"}}};
  Score s = score_output(config, "the Broncos", {{"alias", "Broncos"}});
  CHECK(s.value == 1.0);
  CHECK(s.reason == "token F1 1 >= 0.5 against 'Broncos' (best of 2 references)");
  CHECK(
      score_output({{"type", "exact-match"}, {"value", {"Paris", "paris, france"}}}, "Paris, France!").pass);
  CHECK(build_error({{"type", "f1"}, {"value", Json::array()}}) ==
        "evalgate.yaml:7:5: evaluator 'f1' key 'value' must not be an empty list");
}

TEST_CASE("bleu takes one reference")
{
  CHECK(build_error({{"type", "bleu"}, {"value", {"a", "b"}}}) ==
        "evalgate.yaml:7:5: evaluator 'bleu' key 'value' must be a string (one reference), got array");
}
