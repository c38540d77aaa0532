#include <doctest/doctest.h>

#include <string>

#include "suite/case_id_index.hpp"

using namespace evalgate;
using namespace evalgate::suite_detail;

TEST_CASE("the case id index finds every id's first position as it grows, and nothing else")
{
  CaseList cases;
  CaseIdIndex index(cases);
  CHECK_FALSE(index.find("c1"));
  for (int i = 0; i < 5000; ++i) {
    Case c;
    c.id = "c" + std::to_string(i);
    cases.push_back(c);
    index.add(cases.size() - 1);
  }
  for (int i = 0; i < 5000; i += 7) {
    const auto found = index.find("c" + std::to_string(i));
    REQUIRE(found);
    CHECK(*found == static_cast<std::size_t>(i));
  }
  CHECK_FALSE(index.find("c5000"));
  CHECK_FALSE(index.find(""));
  CHECK_FALSE(index.find("c"));
}
