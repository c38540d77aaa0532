#pragma once
// engine/runner: runs a validated Suite. Expands the matrix (candidates × cases × repeats), keeps
// at most `concurrency` trials in flight through the provider layer, scores each output on a
// small worker pool and streams every finished trial to the store's single writer, so a crash or
// Ctrl-C loses only what was in flight. Then gates the run (stats) and stores the verdict.
// May use: suite, evaluators, providers, store, stats, core.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "core/types.hpp"
#include "engine/run_observer.hpp"
#include "engine/shard.hpp"
#include "providers/response_cache.hpp"
#include "stats/case_values.hpp"
#include "stats/run_digest.hpp"

namespace evalgate {

struct RunOptions {
  std::string db_path = ".evalgate/evalgate.db";
  std::string resume_run_id;   // non-empty: run only the missing and failed trials of that run
  int concurrency = 0;         // 0 = the suite's
  std::uint64_t seed = 42;     // stored with the run
  std::optional<ShardSpec> shard; // run only this shard's cases (engine/shard.hpp)
  const std::atomic<bool>* stop_requested = nullptr; // set by a signal handler: finish as interrupted
  CacheMode cache_mode = CacheMode::read_write; // response cache in the run database (docs/cache.md)
  std::string pricing_file;                      // --pricing: a user price file (docs/pricing.md)
  std::optional<double> max_cost_usd;            // stop admitting trials once known spend reaches it
  const CaseTable* baseline = nullptr; // for the gate's max_drop rules; not owned; nullptr = none
};

// What the run ended as; maps one to one onto DESIGN.md's exit codes.
enum class RunVerdict { passed, gate_failed, infrastructure_failed, interrupted };

struct RunOutcome {
  std::string run_id;
  RunVerdict verdict = RunVerdict::passed;
  std::string infrastructure_message; // why, when verdict is infrastructure_failed
  // --max-cost was reached: the run is stored as interrupted (resumable), not gated, and the
  // verdict is infrastructure_failed (exit 3: an incomplete run is not evidence either way).
  bool budget_exhausted = false;
  RunProgress progress;
  // The run as stored once it was gated (header with gate results and verdict, and the digest of
  // its trials: engine/stored_run.hpp), so the caller can report it without reading it back;
  // nullopt when not gated.
  std::optional<DigestedRun> run;
};

// Errors: config (provider construction, e.g. a missing API key), store. Provider failures of
// single trials are data, stored with the trial, and only decide the verdict.
Result<RunOutcome> run_suite(const Suite& suite, const RunOptions& options, RunObserver& observer);

int exit_code_for(RunVerdict verdict);

} // namespace evalgate
