#pragma once
// stats/run_stats: the statistics a report shows beside the plain summaries: per candidate ×
// metric a bootstrap interval of the mean, a Wilson interval of the pass rate and the flaky cases;
// per candidate the p50/p95/p99 of latency, tokens and cost. Pure functions of RunData; the
// bootstrap is seeded with the run's stored seed. May use: core.

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "stats/intervals.hpp"

namespace evalgate {

struct Percentiles {
  std::int64_t n = 0; // values counted
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
};

// Type-7 quantiles of `values` (see stats/intervals.hpp); all zero when empty.
Percentiles percentiles_of(const std::vector<double>& values);

struct MetricStats {
  std::string candidate_id;
  std::string metric;
  std::int64_t cases = 0;  // cases with at least one score (errored included)
  double mean = 0;         // over non-errored scores, every repeat counted
  Interval mean_interval;  // 95% percentile bootstrap over the per-case means
  std::int64_t passes = 0; // over every score, as in MetricSummary
  std::int64_t n = 0;
  Interval pass_interval; // 95% Wilson interval of passes / n
  double mean_stddev = 0; // mean over cases of the standard deviation across repeats (0 without)
  std::vector<std::string> flaky_cases; // pass/fail differs across repeats; sorted
  double flaky_rate = 0;                // flaky cases / cases
};

struct CandidateStats {
  std::string candidate_id;
  Percentiles latency_ms;        // ok trials
  Percentiles total_tokens;      // ok trials
  Percentiles cost_usd;          // ok trials whose cost is known
  double known_cost_usd = 0;     // trial costs that are known + judge costs
  std::int64_t cost_unknown = 0; // ok trials whose cost is unknown (excluded from cost figures)
  std::int64_t ok_trials = 0;
};

// Ordered as summarize_metrics (candidate_order, then first-seen metric order).
std::vector<MetricStats> metric_stats(const RunData& run, int resamples = k_default_resamples);
// One entry per candidate in candidate_order.
std::vector<CandidateStats> candidate_stats(const RunData& run);

} // namespace evalgate
