#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store/trial_writer.hpp"
#include "store_fixture.hpp"

using namespace evalgate;
using evalgate::test::sample_cases;
using evalgate::test::sample_run_info;
using evalgate::test::TempDir;

namespace {

sqlite::Db raw_db(const std::string& path)
{
  auto db = sqlite::Db::open(path);
  REQUIRE_MESSAGE(db, (db ? "" : db.error().str()));
  return std::move(*db);
}

std::set<std::string> table_names(sqlite::Db& db)
{
  auto stmt = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  REQUIRE(stmt);
  std::set<std::string> names;
  while (stmt->step().value()) {
    names.insert(stmt->text(0));
  }
  return names;
}

std::string meta_version(sqlite::Db& db)
{
  auto stmt = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  REQUIRE(stmt);
  REQUIRE(stmt->step().value());
  return stmt->text(0);
}

} // namespace

TEST_CASE("migration steps are numbered 1, 2, ... and end at this build's schema version")
{
  const auto steps = schema::migrations();
  REQUIRE_FALSE(steps.empty());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    CHECK(steps[i].version == static_cast<int>(i) + 1);
  }
  CHECK(steps.back().version == k_schema_version);
}

TEST_CASE("an empty database is migrated to the current schema with every table")
{
  TempDir dir;
  const std::string path = dir.file("nested/folders/evalgate.db");
  REQUIRE(Store::open(path));
  auto db = raw_db(path);
  CHECK(schema::current_version(db).value() == k_schema_version);
  CHECK(meta_version(db) == "4");
  const std::set<std::string> expected{"meta",          "runs",          "candidates",   "cases",
                                       "trials",        "scores",        "gate_results", "cache",
                                       "trace_imports", "trace_records", "trace_scores"};
  CHECK(table_names(db) == expected);
}

TEST_CASE("the database is opened in WAL mode with foreign keys on and checkpoints every 8,000 pages")
{
  TempDir dir;
  auto db = raw_db(dir.file("evalgate.db"));
  auto mode = db.prepare("PRAGMA journal_mode");
  REQUIRE(mode);
  REQUIRE(mode->step().value());
  CHECK(mode->text(0) == "wal");
  auto keys = db.prepare("PRAGMA foreign_keys");
  REQUIRE(keys);
  REQUIRE(keys->step().value());
  CHECK(keys->integer(0) == 1);
  auto checkpoint = db.prepare("PRAGMA wal_autocheckpoint");
  REQUIRE(checkpoint);
  REQUIRE(checkpoint->step().value());
  CHECK(checkpoint->integer(0) == 8000);
}

TEST_CASE("reopening a current database changes nothing and keeps its runs")
{
  TempDir dir;
  const std::string path = dir.file("evalgate.db");
  std::string run_id;
  {
    auto store = Store::open(path).value();
    RunInfo info = sample_run_info();
    REQUIRE(store->create_run(info, sample_cases(2)));
    run_id = info.id;
  }
  auto reopened = Store::open(path);
  REQUIRE(reopened);
  CHECK((*reopened)->resolve_run_id("latest").value() == run_id);
  auto db = raw_db(path);
  CHECK(meta_version(db) == "4");
  CHECK(table_names(db).size() == 11);
}

TEST_CASE("a database built by the version 1 steps alone opens and takes new runs")
{
  TempDir dir;
  const std::string path = dir.file("v1.db");
  {
    // What a build whose newest step was v1 left on disk: the step's SQL and its meta row.
    auto db = raw_db(path);
    REQUIRE(db.exec(schema::migrations()[0].sql));
    REQUIRE(db.exec("INSERT INTO meta (key, value) VALUES ('schema_version', '1')"));
  }
  auto store = Store::open(path);
  REQUIRE_MESSAGE(store, (store ? "" : store.error().str()));
  RunInfo info = sample_run_info();
  REQUIRE((*store)->create_run(info, sample_cases(1)));
  auto db = raw_db(path);
  CHECK(schema::current_version(db).value() == k_schema_version);
}

TEST_CASE("migrating to an intermediate target stops there and a later open finishes the job")
{
  TempDir dir;
  const std::string path = dir.file("partial.db");
  {
    auto db = raw_db(path);
    REQUIRE(schema::migrate_to(db, 0));
    CHECK(schema::current_version(db).value() == 0);
    CHECK(table_names(db).empty());
  }
  REQUIRE(Store::open(path));
  auto db = raw_db(path);
  CHECK(schema::current_version(db).value() == k_schema_version);
}

TEST_CASE("a database from a newer evalgate is refused with an upgrade hint")
{
  TempDir dir;
  const std::string path = dir.file("future.db");
  REQUIRE(Store::open(path));
  {
    auto db = raw_db(path);
    REQUIRE(db.exec("UPDATE meta SET value = '5' WHERE key = 'schema_version'"));
  }
  const std::string expected = "database " + path + " has schema version 5, newer than this evalgate (4); upgrade evalgate";
  auto store = Store::open(path);
  REQUIRE_FALSE(store);
  CHECK(store.error().category == ErrorCategory::store);
  CHECK(store.error().message == expected);
  auto writer = TrialWriter::start(path, "any");
  REQUIRE_FALSE(writer);
  CHECK(writer.error().message == expected);
}

TEST_CASE("a sqlite file that is not an evalgate database is left untouched")
{
  TempDir dir;
  const std::string path = dir.file("other.db");
  {
    auto db = raw_db(path);
    REQUIRE(db.exec("CREATE TABLE notes (body TEXT)"));
  }
  auto store = Store::open(path);
  REQUIRE_FALSE(store);
  CHECK(store.error().message == "database " + path + " is not an evalgate database (it has tables but no meta table)");
  auto db = raw_db(path);
  CHECK(table_names(db) == std::set<std::string>{"notes"});
}

TEST_CASE("a file that is not a database is an open error naming it")
{
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << "these are not the pages you are looking for, repeated to fill a header page\n"
                      << std::string(200, 'x');
  auto store = Store::open(path);
  REQUIRE_FALSE(store);
  CHECK(store.error().category == ErrorCategory::store);
  CHECK(store.error().message == "cannot open database " + path + ": file is not a database");
}

TEST_CASE("a folder in place of the database file is an open error with sqlite's reason")
{
  TempDir dir;
  const std::string path = dir.file("is-a-folder");
  std::filesystem::create_directories(path);
  auto store = Store::open(path);
  REQUIRE_FALSE(store);
  CHECK(store.error().category == ErrorCategory::store);
  CHECK(store.error().message == "cannot open database " + path + ": unable to open database file");
}

TEST_CASE("a database path inside a plain file is an open error naming the folder")
{
  TempDir dir;
  const std::string plain = dir.file("plain");
  std::ofstream(plain) << "x";
  const std::string path = plain + "/sub/evalgate.db";
  auto store = Store::open(path);
  REQUIRE_FALSE(store);
  CHECK(store.error().message == "cannot open database " + path + ": cannot create folder " + plain +
                                   "/sub: Not a directory");
  auto writer = TrialWriter::start(path, "any");
  REQUIRE_FALSE(writer);
  CHECK(writer.error().message == store.error().message);
}

TEST_CASE("reading the trials of a run uses an index, not a table scan")
{
  TempDir dir;
  const std::string path = dir.file("evalgate.db");
  REQUIRE(Store::open(path));
  auto db = raw_db(path);
  auto plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM trials WHERE run_id = 'x'");
  REQUIRE(plan);
  REQUIRE(plan->step().value());
  const std::string detail = plan->text(3);
  CHECK(detail.find("USING") != std::string::npos);
  CHECK(detail.find("INDEX") != std::string::npos);
}
