#include <doctest/doctest.h>

#include "evaluators/heuristic/unicode_text.hpp"

using namespace evalgate;

TEST_CASE("decode_utf8 reads every code point and turns each invalid byte into U+FFFD")
{
  CHECK(decode_utf8("aé東👍") == U"aé東👍");
  CHECK(decode_utf8("a\xFF"
                    "b") == U"a\uFFFDb");
  CHECK(decode_utf8("\xC3") == U"\uFFFD");                     // truncated sequence
  CHECK(decode_utf8("\xE0\x80\x80") == U"\uFFFD\uFFFD\uFFFD"); // overlong
  CHECK(decode_utf8("\xED\xA0\x80").size() == 3);              // a surrogate is not a character
  CHECK(encode_utf8(decode_utf8("héllo 👍")) == "héllo 👍");
}

TEST_CASE("split_whitespace splits on Unicode spaces like Python's str.split()")
{
  const auto tokens = split_whitespace(U"  a\u00a0b\u3000c\td  ");
  REQUIRE(tokens.size() == 4);
  CHECK(tokens[3] == U"d");
  CHECK(split_whitespace(U"").empty());
}

TEST_CASE("to_lower covers Latin-1, Latin Extended-A, Greek and Cyrillic capitals")
{
  CHECK(to_lower(U'Ä') == U'ä');
  CHECK(to_lower(U'×') == U'×');
  CHECK(to_lower(U'Ł') == U'ł');
  CHECK(to_lower(U'Ŋ') == U'ŋ');
  CHECK(to_lower(U'Ÿ') == U'ÿ');
  CHECK(to_lower(U'Ж') == U'ж');
  CHECK(to_lower(U'Ё') == U'ё');
  CHECK(to_lower(U'Θ') == U'θ');
  CHECK(to_lower(U'東') == U'東');
}
