#pragma once
// store/schema: the database schema as an ordered list of forward-only migrations, and the code
// that brings a database up to date. Step N takes a database at version N-1 to version N; each
// step runs in its own transaction together with the meta(schema_version) update, so a database
// is always at exactly one version. Adding schema v2 = appending one entry to migrations() and
// bumping k_schema_version. Internal to the store module (tests use it to build old databases).

#include <span>
#include <string>

#include "core/result.hpp"
#include "store/sqlite.hpp"

namespace evalgate::schema {

struct Migration {
  int version;     // the schema version this step produces
  const char* sql; // one or more statements
  // Runs after `sql` in the same transaction, for data a statement cannot compute (nullptr: none).
  Result<void> (*after)(sqlite::Db& db) = nullptr;
};

// All steps, in version order; the last one's version is k_schema_version.
std::span<const Migration> migrations();

// The version recorded in meta, 0 for an empty database. Error (store) for a database that has
// tables but no meta table: it is not an evalgate database.
Result<int> current_version(sqlite::Db& db);

// Applies the missing steps up to `target` (default: this build's version). Refuses a database
// newer than this build: "database <path> has schema version 3, newer than this evalgate (1);
// upgrade evalgate".
Result<void> migrate(sqlite::Db& db);
Result<void> migrate_to(sqlite::Db& db, int target);

} // namespace evalgate::schema
