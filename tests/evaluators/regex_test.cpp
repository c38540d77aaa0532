#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;

TEST_CASE("regex searches anywhere in the output")
{
  Score s = score_output({{"type", "regex"}, {"value", "order #[0-9]{4}"}}, "Your order #1234 shipped");
  CHECK(s.pass);
  CHECK(s.reason == "matches /order #[0-9]{4}/");
  Score miss = score_output({{"type", "regex"}, {"value", "order #[0-9]{4}"}}, "Your order shipped");
  CHECK_FALSE(miss.pass);
  CHECK(miss.reason == "expected to match /order #[0-9]{4}/ — got 'Your order shipped'");
}

TEST_CASE("regex flag i ignores case")
{
  CHECK_FALSE(score_output({{"type", "regex"}, {"value", "^yes"}}, "YES").pass);
  Score s = score_output({{"type", "regex"}, {"value", "^yes"}, {"flags", "i"}}, "YES");
  CHECK(s.pass);
  CHECK(s.reason == "matches /^yes/i");
}

TEST_CASE("regex flag m lets ^ and $ match at line breaks")
{
  CHECK_FALSE(score_output({{"type", "regex"}, {"value", "^Answer: \\d+$"}}, "Reasoning...\nAnswer: 42").pass);
  CHECK(score_output({{"type", "regex"}, {"value", "^Answer: \\d+$"}, {"flags", "m"}}, "Reasoning...\nAnswer: 42\nDone")
          .pass);
}

TEST_CASE("regex rejects an unknown flag")
{
  CHECK(build_error({{"type", "regex"}, {"value", "a"}, {"flags", "iq"}}) ==
        "evalgate.yaml:7:5: evaluator 'regex' key 'flags' has unknown flag 'q'; expected any of: i, m, s, x");
}

TEST_CASE("a regex that does not compile is a config error at load")
{
  const std::string message = build_error({{"type", "regex"}, {"value", "([a-z]"}});
  CHECK(message.rfind("evalgate.yaml:7:5: evaluator 'regex' key 'value' is not a valid regex: ", 0) == 0);
}

TEST_CASE("a templated regex is rendered and compiled per case")
{
  Json config = {{"type", "regex"}, {"value", "^{{greeting}},"}};
  CHECK(score_output(config, "Hello, Ada", {{"greeting", "Hello"}}).pass);
  CHECK_FALSE(score_output(config, "Hi, Ada", {{"greeting", "Hello"}}).pass);
}

TEST_CASE("a templated regex that renders to a bad pattern is an errored score")
{
  Score s = score_output({{"type", "regex"}, {"value", "{{p}}"}}, "x", {{"p", "(unclosed"}});
  CHECK(s.errored());
  CHECK_FALSE(s.pass);
  CHECK(s.error.rfind("value '(unclosed' is not a valid regex: ", 0) == 0);
}

TEST_CASE("a templated regex with a missing variable is an errored score")
{
  Score s = score_output({{"type", "regex"}, {"value", "{{p}}"}}, "x");
  CHECK(s.error == "value: missing variable 'p'");
}

TEST_CASE("regex searches long outputs without exhausting the stack")
{
  const std::string output = std::string(200 * 1024, 'a') + "end";
  Score s = score_output({{"type", "regex"}, {"value", "(.|\\n)*end"}}, output);
  CHECK(s.pass);
  CHECK_FALSE(s.errored());
}

TEST_CASE("an output too long for a regex search is an errored score")
{
  const std::string output(300000, 'a');
  Score s = score_output({{"type", "regex"}, {"value", "a.*b"}}, output);
  CHECK(s.errored());
  CHECK_FALSE(s.pass);
  CHECK(s.error == "regex /a.*b/ could not run: output too long for regex search (300000 bytes > 262144)");
}

TEST_CASE("regex flag s lets . match line breaks")
{
  CHECK_FALSE(score_output({{"type", "regex"}, {"value", "begin.*end"}}, "begin\nend").pass);
  CHECK(score_output({{"type", "regex"}, {"value", "begin.*end"}, {"flags", "s"}}, "begin\nend").pass);
  // A dot inside a character class stays a literal dot.
  CHECK_FALSE(score_output({{"type", "regex"}, {"value", "a[.]b"}, {"flags", "s"}}, "a\nb").pass);
  CHECK(score_output({{"type", "regex"}, {"value", "a\\.b"}, {"flags", "s"}}, "a.b").pass);
}

TEST_CASE("regex flag x ignores whitespace and comments outside classes")
{
  const Json config = {{"type", "regex"}, {"value", "^ \\d{3} - \\d{4}  # local number\n $"}, {"flags", "x"}};
  CHECK(score_output(config, "555-0199").pass);
  CHECK(score_output({{"type", "regex"}, {"value", "a\\ b [ ]c"}, {"flags", "x"}}, "a b c").pass);
}

TEST_CASE("regex explains that JavaScript's g, y and u flags do not apply")
{
  CHECK(build_error({{"type", "regex"}, {"value", "a"}, {"flags", "g"}}) ==
        "evalgate.yaml:7:5: evaluator 'regex' key 'flags' has flag 'g', which std::regex does not support "
        "(a search already finds any match; patterns are matched on UTF-8 bytes); expected any of: i, m, s, x");
}
