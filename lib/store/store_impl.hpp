#pragma once
// store/store_impl: what Store's translation units share: the Impl (one connection) and the
// helpers that turn values to and from their column text. Internal to the store module.

#include <string>

#include "core/result.hpp"
#include "core/types.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace evalgate {

struct Store::Impl {
  sqlite::Db db;
  std::string evalgate_version = "unknown";
};

namespace store_detail {

// Compact JSON that never throws: invalid UTF-8 inside strings is replaced, not fatal.
std::string to_json_text(const Json& value);
// Parses a JSON column; `what` names the column for the error ("run X config").
Result<Json> from_json_text(const std::string& text, const std::string& what);

// Raw sqlite failures (category store) get "<what>: " in front; errors that already speak to the
// user (usage, data) pass through unchanged.
Error in_context(Error error, const std::string& what);

// "no run 'abc' in <path> (see `evalgate runs`)", category usage.
Unexpected unknown_run(const std::string& run_id, const std::string& db_path);
// Ok when the run exists; the unknown_run error otherwise.
Result<void> require_run(sqlite::Db& db, const std::string& run_id);

} // namespace store_detail

} // namespace evalgate
