// parse_verdict on hostile replies: each input here once crashed the parser and is kept, with its
// file in tests/fuzz/corpus/fuzz_verdict/, as a regression test (docs/testing.md).

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "evaluators/judge/verdict_parser.hpp"

using namespace evalgate;

namespace {

std::string corpus_file(const std::string& name)
{
  std::ifstream in(std::string(EVALGATE_SOURCE_DIR) + "/tests/fuzz/corpus/fuzz_verdict/" + name,
                   std::ios::binary);
  REQUIRE_MESSAGE(in, "missing corpus file " << name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("a grade line after 200,000 blanks is read without overflowing the stack")
{
  // std::regex recursed once per character: this reply was a segmentation fault.
  auto verdict = parse_verdict(std::string(200000, ' ') + "GRADE: B");
  REQUIRE(verdict);
  CHECK((*verdict)["grade"] == "B");
  auto stored = parse_verdict(corpus_file("long_grade_line"));
  REQUIRE(stored);
  CHECK((*stored)["grade"] == "A");
}

TEST_CASE("a score too large for a double gives no verdict instead of throwing")
{
  CHECK_FALSE(parse_verdict(corpus_file("huge_score")).has_value());
  CHECK_FALSE(parse_verdict("Score: 1" + std::string(400, '0')).has_value());
}

TEST_CASE("grade lines keep the regex's word boundaries")
{
  CHECK((*parse_verdict("score: 4.5x"))["score"] == 4.0);
  CHECK((*parse_verdict("**Verdict**: yes"))["verdict"] == "yes");
  CHECK((*parse_verdict("Score: -2"))["score"] == -2.0);
  CHECK((*parse_verdict("score: high"))["score"] == "high");
  CHECK((*parse_verdict("grade: 7"))["grade"] == "7");
  CHECK_FALSE(parse_verdict("grade: A1").has_value());
  CHECK_FALSE(parse_verdict("grades: A").has_value());
  CHECK_FALSE(parse_verdict("score: -").has_value());
  CHECK_FALSE(parse_verdict("score: 1e5").has_value());
}

TEST_CASE("a megabyte of unbalanced braces gives up on prose and still reads the grade line")
{
  // Every '{' used to start a scan to the end of the reply: this one took minutes.
  auto verdict = parse_verdict(std::string(1 << 20, '{') + "\nGRADE: A");
  REQUIRE(verdict);
  CHECK((*verdict)["grade"] == "A");
}

TEST_CASE("a verdict object after a few thousand stray braces is still found in prose")
{
  auto verdict = parse_verdict("I think {this {is fine" + std::string(2000, '{') + R"( {"pass": true, "score": 1})");
  REQUIRE(verdict);
  CHECK((*verdict)["pass"] == true);
}
