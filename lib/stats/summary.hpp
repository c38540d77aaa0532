#pragma once
// stats/summary: per candidate × metric aggregates of a run, and the gate. Pure functions of
// RunData. May use: core.

#include <string>
#include <vector>

#include "core/types.hpp"

namespace evalgate {

struct MetricSummary {
  std::string candidate_id;
  std::string metric;
  std::int64_t n = 0;      // scores counted (errored included)
  std::int64_t errors = 0; // errored scores
  std::int64_t passes = 0;
  double mean = 0;         // over non-errored scores; 0 when none
  double pass_rate = 0;    // passes / n (an errored score counts as not passing)
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
};

// Metric summaries ordered by candidate (in run order) then metric (in first-seen order).
std::vector<MetricSummary> summarize_metrics(const RunData& run);
std::vector<CandidateSummary> summarize_candidates(const RunData& run);

struct GateVerdict {
  bool passed = true;
  std::vector<GateResult> results; // one per rule × matching candidate
};

// Evaluates rules: min_mean / min_pass_rate against the metric summary; max_error_rate against
// the metric's errored-score rate plus the candidate's failed trials. A rule whose metric has no
// scores for a candidate fails with a message saying so.
GateVerdict evaluate_gate(const std::vector<GateRule>& rules, const RunData& run);

} // namespace evalgate
