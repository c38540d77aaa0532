#include <doctest/doctest.h>

#include <string>

#include "evaluators/text.hpp"

using namespace evalgate;

TEST_CASE("utf8_length counts code points and each invalid byte once")
{
  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("abc") == 3);
  CHECK(utf8_length("héllo") == 5);
  CHECK(utf8_length("日本語") == 3);
  CHECK(utf8_length("👍") == 1);
  CHECK(utf8_length("\xff\xfe") == 2);
  CHECK(utf8_length("\xe6\x97") == 2); // truncated sequence
}

TEST_CASE("in_quotes cuts long text on a code point boundary with an ellipsis")
{
  CHECK(in_quotes("short") == "'short'");
  CHECK(in_quotes("line1\nline2") == "'line1\\nline2'");
  CHECK(in_quotes("日本語です", 3) == "'日本語…'");
}

TEST_CASE("split_commas trims and drops empty parts")
{
  CHECK(split_commas(" a, b ,,c ") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split_commas("").empty());
}

TEST_CASE("format_number drops a trailing .0")
{
  CHECK(format_number(2000) == "2000");
  CHECK(format_number(0.5) == "0.5");
}
