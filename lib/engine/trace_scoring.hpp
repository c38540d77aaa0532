#pragma once
// engine/trace_scoring: `evalgate traces score` (docs/traces.md). Two passes over the files:
// pass 1 streams every record to the sampler, which keeps one small key per trace; pass 2 gathers
// only the selected traces' records, assembles each trace into scorable units (LLM calls and agent
// runs with their retrieved context joined), and scores every unit with the suite's evaluators
// on a worker pool, judges going through the provider layer (cache, retries, pricing) as in a run.
// Memory: the per-trace keys plus the sampled traces, flat in the file size.
// Units whose call failed (status error) are counted, not scored. The import, its units and
// scores are saved in one transaction; then the suite's gate rules are applied to the units the
// sampler drew (must-include ones are reported apart and not gated on).
// May use: traces, suite, evaluators, providers, store, stats, core.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/response_cache.hpp"
#include "store/trace_store.hpp"
#include "traces/trace_reader.hpp"
#include "traces/trace_sampler.hpp"

namespace evalgate {

// Where records come from: the trace readers and the per-trace assembly (injectable for tests).
struct TraceSource {
  std::function<Result<traces::FileReadSummary>(const std::string& path, const traces::ReadOptions& options,
                                                const traces::RecordSink& on_record,
                                                const traces::WarningSink& on_warning)>
      read;
  std::function<std::vector<TraceRecord>(std::vector<TraceRecord> spans_of_one_trace)> assemble;
};

// The readers of lib/traces (read_trace_file, scorable_units).
TraceSource default_trace_source();

struct TraceScoreOptions {
  std::vector<std::string> files;
  traces::ReadOptions read;
  traces::SampleSpec sample;
  std::string db_path = ".evalgate/evalgate.db";
  CacheMode cache_mode = CacheMode::read_write;
  std::string pricing_file;
  int concurrency = 0; // 0 = the suite's
};

struct TraceScoreOutcome {
  std::int64_t import_id = 0;
  bool gated = false; // the suite has gate rules
  bool gate_failed = false;
  std::vector<traces::FileReadSummary> files; // pass 1's summaries
  std::vector<traces::TraceWarning> warnings; // the first k_kept_warnings, for the terminal
  std::int64_t warning_count = 0;
  std::vector<ScoredTraceUnit> units;
};

inline constexpr std::size_t k_kept_warnings = 20;

// Errors: usage (no files, a bad sampling spec, a gate rule that cannot apply to traces), data
// (unreadable file, undetectable format, a warning with --strict), config (judge construction),
// store.
Result<TraceScoreOutcome> score_traces(const Suite& suite, const TraceScoreOptions& options,
                                       const TraceSource& source);

} // namespace evalgate
