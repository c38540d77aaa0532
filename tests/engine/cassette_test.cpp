#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "engine/cassette.hpp"
#include "providers/response_cache.hpp"
#include "store/cache_table.hpp"
#include "temp_dir.hpp"

using namespace evalgate;

namespace {

std::string read_all(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void seed(const std::string& db, int count)
{
  auto table = CacheTable::open(db);
  REQUIRE(table);
  std::vector<CacheRow> rows;
  for (int i = 0; i < count; ++i) {
    HttpRequest request;
    request.url = "http://127.0.0.1:1/v1/chat/completions";
    request.body =
        Json{{"model", "m"}, {"messages", Json::array({{{"role", "user"}, {"content", std::to_string(i)}}})}}
            .dump();
    const Json material = cache_key_material("openai", request);
    HttpResponse response;
    response.status = 200;
    response.body = Json{{"choices", Json::array()}, {"n", i}}.dump();
    rows.push_back({cache_key(material), "gpt", "m", material.dump(), encode_cached_response(response), ""});
  }
  REQUIRE((*table)->upsert(rows));
}

} // namespace

TEST_CASE("a cassette exported from one database imports into another with the same entries")
{
  evalgate::testing::TempDir dir;
  seed(dir.file("a.db"), 3);
  auto exported = cache_export(dir.file("a.db"), dir.file("cassette.jsonl"));
  REQUIRE(exported);
  CHECK(*exported == 3);
  const std::string text = read_all(dir.file("cassette.jsonl"));
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK(text.rfind("{\"key\":\"v1:", 0) == 0); // key first: reviewable diffs

  auto imported = cache_import(dir.file("b.db"), dir.file("cassette.jsonl"));
  REQUIRE(imported);
  CHECK(*imported == 3);
  auto stats = cache_stats(dir.file("b.db"));
  REQUIRE(stats);
  CHECK(stats->entries == 3);
  REQUIRE(cache_export(dir.file("b.db"), dir.file("again.jsonl")));
  CHECK(read_all(dir.file("again.jsonl")) == text);
  CHECK(*cache_clear(dir.file("b.db")) == 3);
}

TEST_CASE("importing a cassette whose request was edited fails at its line and imports nothing")
{
  evalgate::testing::TempDir dir;
  seed(dir.file("a.db"), 2);
  REQUIRE(cache_export(dir.file("a.db"), dir.file("cassette.jsonl")));
  std::string text = read_all(dir.file("cassette.jsonl"));
  const auto second = text.find('\n') + 1;
  const auto content = text.find("\"content\":\"", second);
  REQUIRE(content != std::string::npos);
  text.replace(content, 12, "\"content\":\"X");
  dir.write("edited.jsonl", text);
  auto imported = cache_import(dir.file("c.db"), dir.file("edited.jsonl"));
  REQUIRE_FALSE(imported);
  CHECK(imported.error().category == ErrorCategory::data);
  CHECK(imported.error().location.line == 2);
  CHECK(imported.error().message.find("is not the hash of its request (was the request edited?)") !=
        std::string::npos);
  CHECK(cache_stats(dir.file("c.db"))->entries == 0);

  dir.write("garbage.jsonl", "\n{\"key\": 1}\n");
  auto garbage = cache_import(dir.file("c.db"), dir.file("garbage.jsonl"));
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().str() ==
        dir.file("garbage.jsonl") + ":2: not a cassette entry: 'key' must be a string");
}
