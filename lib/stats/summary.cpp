#include "stats/summary.hpp"

#include <algorithm>
#include <unordered_map>

namespace evalgate {

namespace {

struct MetricAccumulator {
  MetricSummary summary;
  double value_sum = 0;
};

} // namespace

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

std::vector<MetricSummary> summarize_metrics(const RunData& run)
{
  const std::vector<std::string> candidates = candidate_order(run);
  std::unordered_map<std::string, std::size_t> candidate_index;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    candidate_index.emplace(candidates[i], i);
  }

  // Per candidate: accumulators in first-seen metric order, plus a name → slot index.
  std::vector<std::vector<MetricAccumulator>> per_candidate(candidates.size());
  std::vector<std::unordered_map<std::string, std::size_t>> metric_index(candidates.size());

  for (const ScoredTrial& scored : run.trials) {
    if (!scored.trial.ok()) {
      continue;
    }
    const std::size_t c = candidate_index.at(scored.trial.candidate_id);
    for (const Score& score : scored.scores) {
      auto [it, inserted] = metric_index[c].emplace(score.metric, per_candidate[c].size());
      if (inserted) {
        MetricAccumulator fresh;
        fresh.summary.candidate_id = candidates[c];
        fresh.summary.metric = score.metric;
        per_candidate[c].push_back(std::move(fresh));
      }
      MetricAccumulator& acc = per_candidate[c][it->second];
      ++acc.summary.n;
      if (score.errored()) {
        ++acc.summary.errors;
        continue; // an errored score never passes and its value is meaningless
      }
      acc.value_sum += score.value;
      if (score.pass) {
        ++acc.summary.passes;
      }
    }
  }

  std::vector<MetricSummary> out;
  for (auto& metrics : per_candidate) {
    for (MetricAccumulator& acc : metrics) {
      MetricSummary& s = acc.summary;
      const std::int64_t valued = s.n - s.errors;
      s.mean = valued > 0 ? acc.value_sum / static_cast<double>(valued) : 0.0;
      s.pass_rate = s.n > 0 ? static_cast<double>(s.passes) / static_cast<double>(s.n) : 0.0;
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<CandidateSummary> summarize_candidates(const RunData& run)
{
  const std::vector<std::string> candidates = candidate_order(run);
  std::vector<CandidateSummary> out(candidates.size());
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    out[i].candidate_id = candidates[i];
    index.emplace(candidates[i], i);
  }

  std::vector<double> latency_sum(candidates.size(), 0.0);
  std::vector<std::int64_t> ok_trials(candidates.size(), 0);
  for (const ScoredTrial& scored : run.trials) {
    const Trial& trial = scored.trial;
    const std::size_t c = index.at(trial.candidate_id);
    CandidateSummary& s = out[c];
    ++s.trials;
    if (trial.ok()) {
      ++ok_trials[c];
      latency_sum[c] += trial.latency_ms;
    } else {
      ++s.failed_trials;
    }
    s.prompt_tokens += trial.usage.prompt_tokens;
    s.completion_tokens += trial.usage.completion_tokens;
    s.cost_usd += trial.cost_usd.value_or(0);
    s.unknown_cost_trials += trial.cost_usd ? 0 : 1;
    s.cache_hits += trial.cache_hit ? 1 : 0;
    for (const Score& score : scored.scores) {
      s.cost_usd += score.cost_usd;
    }
  }

  for (std::size_t c = 0; c < out.size(); ++c) {
    CandidateSummary& s = out[c];
    s.error_rate =
        s.trials > 0 ? static_cast<double>(s.failed_trials) / static_cast<double>(s.trials) : 0.0;
    s.mean_latency_ms = ok_trials[c] > 0 ? latency_sum[c] / static_cast<double>(ok_trials[c]) : 0.0;
  }
  return out;
}

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
