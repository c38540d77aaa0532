#pragma once
// store/cache_table: the response cache's rows in the run database's `cache` table (same --db as
// the runs). Keys and values are opaque text here; what they mean is the provider layer's business
// (providers/response_cache.hpp). One object owns two connections of its own: lookups go through a
// mutex-guarded reader, so lookup() is safe from any thread; put() only queues the row for a
// writer thread that commits in batches, so it never blocks the caller on the database (it is
// called on the transport's I/O thread). The maintenance calls (stats, clear, rows, upsert) are for
// one thread at a time and write at once. May use: core.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace evalgate {

struct CacheRow {
  std::string key;
  std::string provider;
  std::string model;
  std::string request;    // JSON text
  std::string response;   // JSON text
  std::string created_at; // ISO 8601 UTC; filled by put()/upsert() when empty
};

struct CacheModelCount {
  std::string provider;
  std::string model;
  std::int64_t entries = 0;
};

struct CacheStats {
  std::int64_t entries = 0;
  std::int64_t bytes = 0;                // request + response text
  std::vector<CacheModelCount> by_model; // ordered by provider, model
};

class CacheTable {
public:
  // Opens `db_path` (created and migrated like Store::open) and starts the writer thread.
  static Result<std::unique_ptr<CacheTable>> open(const std::string& db_path);
  ~CacheTable(); // flushes what is queued
  CacheTable(const CacheTable&) = delete;
  CacheTable& operator=(const CacheTable&) = delete;

  // nullopt when absent; a database error also reads as absent (a cache must not fail a call)
  // and is counted in read_errors(). Only keys present at open() or written through this object
  // are looked up in the database (and a rare false positive of its fixed-size filter): a row
  // another process commits later is a miss.
  std::optional<std::string> lookup(const std::string& key);
  // Queues an insert-or-replace of `row`. Rows are committed in batches of up to 1,024, at most
  // ~1 s after the first queued one, and at once on flush(); until then lookup() misses them.
  void put(CacheRow row);
  // Waits until every queued row is committed; the first write error, if any.
  Result<void> flush();
  std::int64_t read_errors() const;

  Result<CacheStats> stats();
  Result<std::int64_t> clear(); // rows deleted
  // Every row in key order.
  Result<void> rows(const std::function<Result<void>(const CacheRow&)>& visit);
  // Inserts or replaces rows in one transaction.
  Result<void> upsert(const std::vector<CacheRow>& rows);

  struct Impl;

private:
  CacheTable();
  std::unique_ptr<Impl> m_impl;
};

} // namespace evalgate
