#include <doctest/doctest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "store/cache_table.hpp"
#include "temp_dir.hpp"

using namespace evalgate;

namespace {

CacheRow row(const std::string& key, const std::string& provider = "gpt",
             const std::string& response = "{\"status\":200}")
{
  return CacheRow{key, provider, "m", "{\"v\":1}", response, ""};
}

} // namespace

TEST_CASE("queued cache rows are readable after a flush and replace an entry with the same key")
{
  evalgate::testing::TempDir dir;
  auto table = CacheTable::open(dir.file("runs.db"));
  REQUIRE(table);
  CHECK_FALSE((*table)->lookup("v1:a").has_value());
  (*table)->put(row("v1:a"));
  (*table)->put(row("v1:a", "gpt", "{\"status\":201}"));
  REQUIRE((*table)->flush());
  CHECK((*table)->lookup("v1:a") == std::optional<std::string>("{\"status\":201}"));
  CHECK((*table)->read_errors() == 0);
}

TEST_CASE("queued cache rows are committed in batches without a flush: a lone row soon, a full batch at once")
{
  evalgate::testing::TempDir dir;
  auto table = CacheTable::open(dir.file("runs.db"));
  REQUIRE(table);
  auto wait_for_row = [&](const std::string& key) {
    // Generous bound: the batch timer is ~100 ms; a loaded machine must not fail this.
    for (int i = 0; i < 500; ++i) {
      if ((*table)->lookup(key)) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  (*table)->put(row("v1:lone"));
  CHECK(wait_for_row("v1:lone"));
  for (int i = 0; i < 200; ++i) {
    (*table)->put(row("v1:many-" + std::to_string(i)));
  }
  CHECK(wait_for_row("v1:many-199"));
  REQUIRE((*table)->flush());
  auto stats = (*table)->stats();
  REQUIRE(stats);
  CHECK(stats->entries == 201);
}

TEST_CASE("puts and lookups from many threads at once all land")
{
  evalgate::testing::TempDir dir;
  auto table = CacheTable::open(dir.file("runs.db"));
  REQUIRE(table);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        (*table)->put(row("v1:" + std::to_string(t) + "-" + std::to_string(i)));
        (void)(*table)->lookup("v1:0-0");
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  auto stats = (*table)->stats();
  REQUIRE(stats);
  CHECK(stats->entries == 200);
}

TEST_CASE("cache stats count entries per provider and model; clear empties the table; rows come in key order")
{
  evalgate::testing::TempDir dir;
  const std::string db = dir.file("runs.db");
  {
    auto table = CacheTable::open(db);
    REQUIRE(table);
    REQUIRE((*table)->upsert({row("v1:c", "judge"), row("v1:a"), row("v1:b")}));
  }
  auto table = CacheTable::open(db); // rows survive reopening: they live in the run database
  REQUIRE(table);
  auto stats = (*table)->stats();
  REQUIRE(stats);
  CHECK(stats->entries == 3);
  REQUIRE(stats->by_model.size() == 2);
  CHECK(stats->by_model[0].provider == "gpt");
  CHECK(stats->by_model[0].entries == 2);
  CHECK(stats->by_model[1].provider == "judge");
  std::vector<std::string> keys;
  REQUIRE((*table)->rows([&](const CacheRow& r) -> Result<void> {
    keys.push_back(r.key);
    CHECK_FALSE(r.created_at.empty());
    return {};
  }));
  CHECK(keys == std::vector<std::string>{"v1:a", "v1:b", "v1:c"});
  auto cleared = (*table)->clear();
  REQUIRE(cleared);
  CHECK(*cleared == 3);
  CHECK((*table)->stats()->entries == 0);
}

TEST_CASE("a table looks up keys present when it was opened or written through it, and skips the database "
          "for the rest")
{
  evalgate::testing::TempDir dir;
  {
    auto earlier = CacheTable::open(dir.file("runs.db"));
    REQUIRE(earlier);
    REQUIRE((*earlier)->upsert({row("v1:before")}));
  }
  auto table = CacheTable::open(dir.file("runs.db"));
  auto other = CacheTable::open(dir.file("runs.db"));
  REQUIRE(table);
  REQUIRE(other);
  CHECK((*table)->lookup("v1:before").has_value());

  // Committed by another writer after `table` was opened: not in its filter, so a miss (an extra
  // call for the caller, never a wrong answer); a fresh table sees it.
  REQUIRE((*other)->upsert({row("v1:later")}));
  CHECK((*other)->lookup("v1:later").has_value());
  CHECK_FALSE((*table)->lookup("v1:later").has_value());
  auto fresh = CacheTable::open(dir.file("runs.db"));
  REQUIRE(fresh);
  CHECK((*fresh)->lookup("v1:later").has_value());

  (*table)->put(row("v1:mine"));
  REQUIRE((*table)->flush());
  CHECK((*table)->lookup("v1:mine").has_value());
  REQUIRE((*table)->clear());
  CHECK_FALSE((*table)->lookup("v1:before").has_value());
  CHECK((*table)->read_errors() == 0);
}
