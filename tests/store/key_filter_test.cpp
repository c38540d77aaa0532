#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <string>

#include "store/key_filter.hpp"

using namespace evalgate;

TEST_CASE("the key filter holds every key added, rarely another, in the same memory however many keys")
{
  auto print = [](int i) { return std::hash<std::string>{}("key-" + std::to_string(i)); };
  KeyFilter filter;
  for (int i = 0; i < 100000; ++i) {
    filter.add(print(i));
  }
  int missing = 0;
  for (int i = 0; i < 100000; ++i) {
    missing += filter.may_hold(print(i)) ? 0 : 1;
  }
  CHECK(missing == 0);
  int false_positives = 0;
  for (int i = 100000; i < 200000; ++i) {
    false_positives += filter.may_hold(print(i)) ? 1 : 0;
  }
  CHECK(false_positives < 100); // ~1e-4 expected at 100,000 keys
  CHECK(KeyFilter::memory_bytes() == 512 * 1024);
  filter.clear();
  CHECK_FALSE(filter.may_hold(print(1)));
}
