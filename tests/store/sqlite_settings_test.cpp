#include <doctest/doctest.h>

#include <sqlite3.h>

#include "store/sqlite.hpp"
#include "store_fixture.hpp"

using namespace evalgate;
using evalgate::test::TempDir;

TEST_CASE("opening a database turns SQLite's memory statistics off, so its allocations take no global lock")
{
  TempDir dir;
  auto db = sqlite::Db::open(dir.file("evalgate.db"));
  REQUIRE(db);
  REQUIRE(db->exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a row needs memory')"));
  sqlite3_int64 used = -1;
  sqlite3_int64 highest = -1;
  REQUIRE(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &highest, 0) == SQLITE_OK);
  // With statistics on, any open connection holds memory that this counter would show.
  CHECK(used == 0);
  CHECK(highest == 0);
}
