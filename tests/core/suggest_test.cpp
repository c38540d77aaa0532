#include <doctest/doctest.h>

#include "core/suggest.hpp"

using namespace evalgate;

TEST_CASE("levenshtein counts single-character edits")
{
  CHECK(levenshtein("containz", "contains") == 1);
  CHECK(levenshtein("", "abc") == 3);
  CHECK(levenshtein("kitten", "sitting") == 3);
}

TEST_CASE("the nearest name is suggested only for plausible typos, ties to the earlier one")
{
  CHECK(nearest_name("promts", {"datasets", "prompts", "providers"}) == "prompts");
  CHECK_FALSE(nearest_name("xyz", {"contains", "regex"}).has_value());
  CHECK(nearest_name("ab", {"aa", "bb"}) == "aa");
}
