#pragma once
// engine/cassette: `evalgate cache stats|clear|export|import` over the run database's cache table.
// A cassette is JSONL, one entry per line, sorted by key so diffs are reviewable:
//   {"key":"v1:…","provider":"gpt","model":"gpt-4o-mini","request":{…key
//   material…},"response":{"status":200,"json":{…}}}
// Import checks every line before writing any: valid JSON of that shape, and a key that is the
// hash of its request (an edited request would otherwise replay under the wrong key).
// May use: store, providers, core.

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "store/cache_table.hpp"

namespace evalgate {

Result<CacheStats> cache_stats(const std::string& db_path);
Result<std::int64_t> cache_clear(const std::string& db_path);
// Returns the entries written. Errors: store, or usage when FILE cannot be written.
Result<std::int64_t> cache_export(const std::string& db_path, const std::string& file);
// Returns the entries imported (inserted or replaced). Errors (data) name FILE:LINE.
Result<std::int64_t> cache_import(const std::string& db_path, const std::string& file);

} // namespace evalgate
