#include "stats/run_stats.hpp"

#include "stats/run_digest.hpp"

namespace evalgate {

Percentiles percentiles_of(const std::vector<double>& values)
{
  Percentiles out;
  out.n = static_cast<std::int64_t>(values.size());
  out.p50 = quantile(values, 0.50);
  out.p95 = quantile(values, 0.95);
  out.p99 = quantile(values, 0.99);
  return out;
}

std::vector<MetricStats> metric_stats(const RunData& run, int resamples)
{
  return digest_of(run).metric_stats(resamples);
}

std::vector<CandidateStats> candidate_stats(const RunData& run) { return digest_of(run).candidate_stats(); }

} // namespace evalgate
