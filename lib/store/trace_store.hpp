#pragma once
// store/trace_store: what `evalgate traces score` keeps (docs/store.md, schema v3). One
// trace_imports row per scoring invocation (its files, formats and sampling settings in `config`,
// counts in `summary`, the verdict and gate results), one trace_records row per scored unit (the
// common record's fields plus the sampler's decision and the joined context), one trace_scores
// row per unit × metric. Reports and exports read it back with load_trace_import.
// A TraceStore owns one connection; use it from one thread. May use: core.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/trace_record.hpp"
#include "core/types.hpp"

namespace evalgate {

// Metadata key of a unit's route: the name of its trace's root span, set by the scorer; reports
// group units by it (falling back to the unit's own name).
inline constexpr const char* k_trace_route_key = "evalgate.route";

struct ScoredTraceUnit {
  TraceRecord record;
  std::vector<Score> scores;
};

struct TraceImportInfo {
  std::int64_t id = 0;
  std::string source_path;        // the files, joined with ", "
  std::string format;             // the formats read, joined with ", "
  std::string imported_at;        // ISO-8601 UTC
  std::int64_t record_count = 0;  // records read from the files
  std::int64_t warning_count = 0; // reader warnings (skipped or partly read input)
  Json config = Json::object();   // files, suite, sampling flags, salt
  Json summary = Json::object();  // traces seen / eligible / sampled / forced, strata, per-file counts
  std::string verdict;            // "passed" | "failed" | "" (no gate)
  std::vector<GateResult> gate;
};

struct TraceImportData {
  TraceImportInfo info;
  std::vector<ScoredTraceUnit> units; // in stored order
};

class TraceStore {
public:
  // Opens or creates the database and applies migrations (as Store::open).
  static Result<std::unique_ptr<TraceStore>> open(const std::string& path);
  ~TraceStore();
  TraceStore(const TraceStore&) = delete;
  TraceStore& operator=(const TraceStore&) = delete;

  // Inserts the import row, its units and their scores in one transaction; fills info.id and
  // info.imported_at.
  Result<void> save_import(TraceImportInfo& info, const std::vector<ScoredTraceUnit>& units);
  // "latest" or a numeric id. Error (usage) for an unknown id.
  Result<TraceImportData> load_import(const std::string& id_or_latest);

private:
  TraceStore();
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace evalgate
