#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

constexpr const char* k_key = "sk-evalgate-known-secret-0123456789abcdef";
constexpr const char* k_key_env = "EVALGATE_IT_SECRET_KEY";

std::string bytes_of(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

// Issue 3 item 8: a known key value goes in through the environment; afterwards no byte of the
// database (WAL included), the cache, a cassette, any report format or the console holds it.
// Report formats: every --format of `show` and every --out extension that exists.
TEST_CASE("a known API key appears nowhere: not in the database, the cache, any report or the console")
{
  MockOptions mock;
  mock.required_api_key = k_key;
  SuiteShape shape;
  shape.api_key_env = k_key_env;
  Harness h(mock, shape);
  ProcessOptions env;
  env.env[k_key_env] = k_key;

  std::vector<ProcessResult> outputs;
  outputs.push_back(
      h.evalgate({"run", "--db", h.db(), "--no-progress", "--out", h.dir().file("report.json")}, env));
  REQUIRE(outputs.back().exit_code == 1); // the key worked: every call answered, the gate judged
  outputs.push_back(
      h.evalgate({"run", "--db", h.db(), "--no-progress", "--format", "json", "--cache", "off"}, env));
  for (const char* format : {"table", "json"}) {
    outputs.push_back(h.evalgate({"show", "latest", "--db", h.db(), "--format", format}, env));
    CHECK(outputs.back().exit_code == 0);
  }
  outputs.push_back(h.evalgate({"runs", "--db", h.db()}, env));
  outputs.push_back(h.evalgate({"cache", "stats", "--db", h.db()}, env));
  outputs.push_back(h.evalgate({"cache", "export", "--db", h.db(), h.dir().file("cassette.jsonl")}, env));
  outputs.push_back(h.evalgate({"run", "--db", h.db(), "--dry-run"}, env));
  // A wrong key is rejected with 401; the error text is stored, the key still is not.
  ProcessOptions wrong;
  wrong.env[k_key_env] = std::string(k_key) + "-wrong";
  outputs.push_back(h.evalgate({"run", "--db", h.db(), "--no-progress", "--cache", "off"}, wrong));
  CHECK(outputs.back().exit_code == 3);

  const std::string key = k_key;
  for (const auto& out : outputs) {
    CHECK(out.out.find(key) == std::string::npos);
    CHECK(out.err.find(key) == std::string::npos);
  }
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(h.dir().path())) {
    if (!entry.is_regular_file()) {
      continue;
    }
    INFO(entry.path().string());
    ++files;
    CHECK(bytes_of(entry.path().string()).find(key) == std::string::npos);
  }
  CHECK(files >= 5); // suite, dataset, answers, runs.db (+ -wal/-shm while open), report.json, cassette
  CHECK(bytes_of(h.db()).size() > 0);
  CHECK(bytes_of(h.dir().file("cassette.jsonl")).find("\"key\":\"v1:") != std::string::npos);
}
