#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/cache_key_hash.hpp"
#include "store/cache_table.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

using namespace evalgate;

namespace {

const std::string k_sha_a = "v1:0123456789abcdef" + std::string(48, '1');
const std::string k_sha_b = "v1:fedcba9876543210" + std::string(48, '2');

CacheRow row(const std::string& key, const std::string& response)
{
  return CacheRow{key, "gpt", "m", "{\"v\":1}", response, ""};
}

std::string explain(sqlite::Db& db, const std::string& sql)
{
  auto plan = db.prepare("EXPLAIN QUERY PLAN " + sql);
  REQUIRE(plan);
  std::string text;
  while (plan->step().value()) {
    text += plan->text(3) + "\n";
  }
  return text;
}

} // namespace

TEST_CASE("a v1 cache key's hash is its first 16 hex digits; any other key is hashed")
{
  CHECK(cache_key_hash(k_sha_a) == 0x0123456789abcdefLL);
  CHECK(static_cast<std::uint64_t>(cache_key_hash(k_sha_b)) == 0xfedcba9876543210ULL);
  // Not a v1 hex key: FNV-1a 64 of the whole text, so keys differing anywhere differ.
  CHECK(cache_key_hash("v1:a") != cache_key_hash("v1:b"));
  CHECK(cache_key_hash("v1:0123456789abcdeX") != cache_key_hash("v1:0123456789abcdeY"));
  CHECK(cache_key_hash("") == static_cast<std::int64_t>(14695981039346656037ULL));
}

TEST_CASE("the cache is looked up through its integer key_hash index, not the key text")
{
  evalgate::testing::TempDir dir;
  auto db = sqlite::Db::open(dir.file("runs.db"));
  REQUIRE(db);
  REQUIRE(schema::migrate(*db));
  const std::string plan = explain(*db, "SELECT response FROM cache WHERE key_hash = 1 AND key = 'x'");
  CHECK(plan.find("USING INDEX sqlite_autoindex_cache_1 (key_hash=?)") != std::string::npos);
}

TEST_CASE("two keys with the same 64-bit hash share one slot: the later replaces the earlier, which then "
          "misses instead of answering for the wrong request")
{
  evalgate::testing::TempDir dir;
  auto table = CacheTable::open(dir.file("runs.db"));
  REQUIRE(table);
  const std::string twin = k_sha_a.substr(0, 19) + std::string(48, '9'); // same first 16 digits
  REQUIRE(cache_key_hash(twin) == cache_key_hash(k_sha_a));
  (*table)->put(row(k_sha_a, "200\nfirst"));
  REQUIRE((*table)->flush());
  CHECK((*table)->lookup(k_sha_a) == std::optional<std::string>("200\nfirst"));
  CHECK_FALSE((*table)->lookup(twin).has_value());
  (*table)->put(row(twin, "200\nsecond"));
  REQUIRE((*table)->flush());
  CHECK((*table)->lookup(twin) == std::optional<std::string>("200\nsecond"));
  CHECK_FALSE((*table)->lookup(k_sha_a).has_value());
  CHECK((*table)->stats()->entries == 1);
}

TEST_CASE("a version 3 database's cache rows move to schema v4 unchanged: they hit, export in key order "
          "and count in stats")
{
  evalgate::testing::TempDir dir;
  const std::string path = dir.file("v3.db");
  {
    auto db = sqlite::Db::open(path);
    REQUIRE(db);
    REQUIRE(schema::migrate_to(*db, 3));
    auto insert = db->prepare("INSERT INTO cache (key, provider, model, request, response, created_at) "
                              "VALUES (?1, 'gpt', 'm', ?2, ?3, '2026-11-20T10:00:00Z')");
    REQUIRE(insert);
    for (const auto& [key, response] : std::vector<std::pair<std::string, std::string>>{
             {k_sha_b, "200\nb"}, {"v1:legacy", "200\nlegacy"}, {k_sha_a, "200\na"}}) {
      REQUIRE(insert->bind_text(1, key)
                  .bind_text(2, "{\"v\":1,\"k\":\"" + key + "\"}")
                  .bind_text(3, response)
                  .run());
    }
  }
  auto table = CacheTable::open(path);
  REQUIRE_MESSAGE(table, (table ? "" : table.error().str()));
  CHECK((*table)->lookup(k_sha_a) == std::optional<std::string>("200\na"));
  CHECK((*table)->lookup(k_sha_b) == std::optional<std::string>("200\nb"));
  CHECK((*table)->lookup("v1:legacy") == std::optional<std::string>("200\nlegacy"));
  std::vector<std::string> keys;
  REQUIRE((*table)->rows([&](const CacheRow& r) -> Result<void> {
    keys.push_back(r.key);
    CHECK(r.request == "{\"v\":1,\"k\":\"" + r.key + "\"}");
    CHECK(r.created_at == "2026-11-20T10:00:00Z");
    return {};
  }));
  CHECK(keys == std::vector<std::string>{k_sha_a, k_sha_b, "v1:legacy"});
  CHECK((*table)->stats()->entries == 3);
  auto db = sqlite::Db::open(path);
  REQUIRE(db);
  CHECK(schema::current_version(*db).value() == k_schema_version);
}

TEST_CASE("a version 3 database's scores move to schema v4's WITHOUT ROWID table; a score with no trial is "
          "dropped")
{
  evalgate::testing::TempDir dir;
  const std::string path = dir.file("v3-scores.db");
  {
    auto db = sqlite::Db::open(path);
    REQUIRE(db);
    REQUIRE(schema::migrate_to(*db, 3));
    REQUIRE(db->exec(
        "INSERT INTO runs (id, suite_name, suite_path, status, started_at, seed, repeat, case_count, "
        "trial_count, evalgate_version) VALUES ('r1', 's', 's.yaml', 'completed', '2026-11-20T10:00:00Z', 1, "
        "1, 1, 1, '0.1');"
        "INSERT INTO trials (id, run_id, candidate_id, case_id, repeat_index, created_at) "
        "VALUES (7, 'r1', 'c', 'k', 0, '2026-11-20T10:00:01Z');"
        "INSERT INTO scores (trial_id, metric, position, value, pass, threshold, reason, details) VALUES "
        "(7, 'b', 0, 0.5, 0, 0.7, 'why', '{\"n\":1}'), (7, 'a', 1, 1, 1, NULL, '', '{}');"
        "PRAGMA foreign_keys = OFF;"
        "INSERT INTO scores (trial_id, metric, position, value, pass) VALUES (99, 'orphan', 0, 1, 1);"));
  }
  auto db = sqlite::Db::open(path);
  REQUIRE(db);
  REQUIRE(schema::migrate(*db));
  auto shape = db->prepare("SELECT sql FROM sqlite_schema WHERE name = 'scores'");
  REQUIRE(shape);
  REQUIRE(shape->step().value());
  CHECK(shape->text(0).find("WITHOUT ROWID") != std::string::npos);
  auto scores = db->prepare("SELECT trial_id, metric, position, value, pass, threshold, reason, details "
                            "FROM scores ORDER BY trial_id, metric");
  REQUIRE(scores);
  std::vector<std::string> rows;
  while (scores->step().value()) {
    rows.push_back(std::to_string(scores->integer(0)) + " " + scores->text(1) + " " +
                   std::to_string(scores->integer(2)) + " " + std::to_string(scores->real(3)) + " " +
                   std::to_string(scores->integer(4)) + " " +
                   (scores->is_null(5) ? "null" : std::to_string(scores->real(5))) + " " + scores->text(6) +
                   " " + scores->text(7));
  }
  CHECK(rows ==
        std::vector<std::string>{"7 a 1 1.000000 1 null  {}", "7 b 0 0.500000 0 0.700000 why {\"n\":1}"});
}
