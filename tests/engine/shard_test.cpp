#include <doctest/doctest.h>

#include "engine/shard.hpp"

using namespace evalgate;

TEST_CASE("--shard I/N parses only 1 <= I <= N")
{
  auto ok = parse_shard("2/4");
  REQUIRE(ok);
  CHECK(ok->index == 2);
  CHECK(ok->count == 4);
  for (const char* bad : {"0/4", "5/4", "2", "a/b", "2/0", "-1/3", "1/3x", ""}) {
    auto parsed = parse_shard(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().category == ErrorCategory::usage);
  }
  CHECK(parse_shard("0/4").error().message ==
        "--shard '0/4': expected I/N with 1 <= I <= N (e.g. --shard 2/4 runs the second of four)");
}

TEST_CASE("shards partition the cases round robin, and global positions restore the order")
{
  Suite suite;
  for (int i = 0; i < 10; ++i) {
    Case c;
    c.id = "c" + std::to_string(i);
    suite.cases.push_back(c);
  }
  std::vector<std::string> seen(10);
  for (int index = 1; index <= 3; ++index) {
    const ShardSpec shard{index, 3};
    const Suite part = shard_of(suite, shard);
    CHECK(part.cases.size() == (index == 1 ? 4u : 3u));
    for (std::size_t j = 0; j < part.cases.size(); ++j) {
      const auto position = global_case_position(static_cast<std::int64_t>(j), shard);
      REQUIRE(position < 10);
      CHECK(seen[static_cast<std::size_t>(position)].empty());
      seen[static_cast<std::size_t>(position)] = part.cases[j].id;
    }
  }
  for (int i = 0; i < 10; ++i) {
    CHECK(seen[static_cast<std::size_t>(i)] == "c" + std::to_string(i));
  }
}
