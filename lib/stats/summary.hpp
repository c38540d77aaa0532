#pragma once
// stats/summary: per candidate × metric aggregates of a run, and the gate. Pure functions of
// RunData. May use: core.

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "stats/case_values.hpp"
#include "stats/intervals.hpp"

namespace evalgate {

class RunDigest; // stats/run_digest.hpp

struct MetricSummary {
  std::string candidate_id;
  std::string metric;
  std::int64_t n = 0;      // scores counted (errored included)
  std::int64_t errors = 0; // errored scores
  std::int64_t passes = 0;
  double mean = 0;      // over non-errored scores; 0 when none
  double pass_rate = 0; // passes / n (an errored score counts as not passing)
};

struct CandidateSummary {
  std::string candidate_id;
  std::int64_t trials = 0;
  std::int64_t failed_trials = 0; // provider failures (no output, not scored)
  double error_rate = 0;          // failed_trials / trials
  double mean_latency_ms = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double cost_usd = 0;
  std::int64_t unknown_cost_trials = 0; // trials whose cost is unknown (unpriced model): not in cost_usd
  std::int64_t cache_hits = 0;          // trials answered from the response cache
};

// The run's spend: known costs (trials + judge scores) summed, unknown-cost trials counted.
struct RunCost {
  double known_usd = 0;
  std::int64_t unknown_cost_trials = 0;
  std::int64_t cache_hits = 0;
};

// Candidate ids in run order (info.candidates), followed by any candidate that appears only in
// trials, in first-seen order, so no stored trial is left out of a summary.
std::vector<std::string> candidate_order(const RunData& run);

// Metric summaries ordered by candidate (in run order) then metric (in first-seen order).
// Failed trials (trial.ok() false) carry no scores and do not count towards n.
std::vector<MetricSummary> summarize_metrics(const RunData& run);
// One entry per candidate in candidate_order. Latency is averaged over ok trials only (0 when
// none); tokens sum over all trials; cost = trial costs + judge costs of the scores.
std::vector<CandidateSummary> summarize_candidates(const RunData& run);
RunCost summarize_cost(const std::vector<CandidateSummary>& candidates);

struct GateVerdict {
  bool passed = true;
  std::vector<GateResult> results; // one per rule × matching candidate
};

// Evaluates rules: min_mean / min_pass_rate against the metric summary; max_error_rate against
// the metric's errored-score rate plus the candidate's failed trials:
//   (errored scores + failed trials) / (scores + failed trials).
// One GateResult per rule × candidate × check present, in rule order, then candidate_order, then
// min_mean, min_pass_rate, max_error_rate. A rule without a candidate applies to every candidate.
// Comparisons are exact (observed >= limit for min_*, <= for max_*). Messages:
//   "contains pass rate 0.820 < 0.950 on v1/bad", "contains mean 0.900 >= 0.800 on v1/good",
//   "contains error rate 0.200 > 0.100 on v1/bad",
//   "no scores for metric 'x' on v1/gpt (all 12 trials failed)" (or "metric not evaluated",
//     "no trials", "its only trial failed") — always a failure,
//   "contains pass rate: candidate 'v9/x' is not in this run (candidates: v1/gpt, v1/bad)".
// No rules → passed with no results.
GateVerdict evaluate_gate(const std::vector<GateRule>& rules, const RunData& run);

struct GateOptions {
  const CaseTable* baseline = nullptr; // for max_drop; not owned; nullptr = none given
  int resamples = k_default_resamples; // bootstrap resamples for max_drop (seed: run.info.seed)
};

// As above, plus the checks of stats/gate_checks.hpp after max_error_rate, in the order
// max_drop, max_flaky_rate, max_p95_latency_ms, max_cost_usd (definitions and messages in
// docs/gate.md). max_drop without a baseline, or with no case shared with it, fails and says why.
GateVerdict evaluate_gate(const std::vector<GateRule>& rules, const RunData& run, const GateOptions& options);
// The same verdict from a run's digest (digest_of(run), or a store scan): what `evalgate run` and
// `evalgate gate` use, so gating never holds the run's trials in memory.
GateVerdict evaluate_gate(const std::vector<GateRule>& rules, const RunDigest& run, const GateOptions& options);

} // namespace evalgate
