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

// A run's case rows (positions 0..case_count-1), inside the caller's transaction.
Result<void> insert_case_rows(sqlite::Db& db, const std::string& run_id, std::size_t case_count,
                              const Store::CaseAt& case_at);
// The same in a transaction of its own: what a TrialWriter does first for a run created by
// Store::create_run_without_cases.
Result<void> insert_cases(sqlite::Db& db, const std::string& run_id, std::size_t case_count,
                          const Store::CaseAt& case_at);

// A run's case rows and their index can outgrow SQLite's default 2 MB page cache: pages then
// spill to the WAL mid-transaction and are read back. A larger cache while they are inserted
// (memory only for the pages the transaction touches), back to the connection's own size on
// destruction, which frees the rest.
class CacheSizeForCases {
public:
  explicit CacheSizeForCases(sqlite::Db& db);
  ~CacheSizeForCases();
  CacheSizeForCases(const CacheSizeForCases&) = delete;
  CacheSizeForCases& operator=(const CacheSizeForCases&) = delete;

private:
  sqlite::Db& m_db;
  std::string m_previous = "-2000";
};

// "no run 'abc' in <path> (see `evalgate runs`)", category usage.
Unexpected unknown_run(const std::string& run_id, const std::string& db_path);
// Ok when the run exists; the unknown_run error otherwise.
Result<void> require_run(sqlite::Db& db, const std::string& run_id);

} // namespace store_detail

} // namespace evalgate
