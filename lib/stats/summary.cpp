#include "stats/summary.hpp"

#include <algorithm>

#include "stats/run_digest.hpp"

namespace evalgate {

std::vector<std::string> candidate_order(const RunData& run)
{
  std::vector<std::string> order;
  order.reserve(run.info.candidates.size());
  auto known = [&order](const std::string& id) {
    return std::find(order.begin(), order.end(), id) != order.end();
  };
  for (const Candidate& candidate : run.info.candidates) {
    if (!known(candidate.id)) {
      order.push_back(candidate.id);
    }
  }
  // A trial whose candidate is missing from info (a partial or merged run) is still reported.
  for (const ScoredTrial& scored : run.trials) {
    if (!known(scored.trial.candidate_id)) {
      order.push_back(scored.trial.candidate_id);
    }
  }
  return order;
}

std::vector<MetricSummary> summarize_metrics(const RunData& run) { return digest_of(run).metric_summaries(); }

std::vector<CandidateSummary> summarize_candidates(const RunData& run) { return digest_of(run).candidate_summaries(); }

RunCost summarize_cost(const std::vector<CandidateSummary>& candidates)
{
  RunCost cost;
  for (const CandidateSummary& c : candidates) {
    cost.known_usd += c.cost_usd;
    cost.unknown_cost_trials += c.unknown_cost_trials;
    cost.cache_hits += c.cache_hits;
  }
  return cost;
}

} // namespace evalgate
