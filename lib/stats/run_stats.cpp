#include "stats/run_stats.hpp"

#include <cmath>
#include <map>

#include "stats/case_values.hpp"
#include "stats/summary.hpp"

namespace evalgate {

namespace {

// Standard deviation (n − 1) of a case's repeat values, per candidate × metric × case.
std::map<std::string, std::map<std::string, std::map<std::string, std::vector<double>>>>
repeat_values(const RunData& run)
{
  std::map<std::string, std::map<std::string, std::map<std::string, std::vector<double>>>> out;
  for (const ScoredTrial& scored : run.trials) {
    if (!scored.trial.ok()) {
      continue;
    }
    for (const Score& score : scored.scores) {
      if (!score.errored()) {
        out[scored.trial.candidate_id][score.metric][scored.trial.case_id].push_back(score.value);
      }
    }
  }
  return out;
}

double sample_stddev(const std::vector<double>& values)
{
  if (values.size() < 2) {
    return 0;
  }
  double mean = 0;
  for (double v : values) {
    mean += v;
  }
  mean /= static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) {
    squares += (v - mean) * (v - mean);
  }
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

} // namespace

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
  const CaseTable table = case_table(run);
  const auto repeats = repeat_values(run);
  std::vector<MetricStats> out;
  std::vector<std::vector<double>> case_means_of; // per entry of `out`, for the intervals at the end
  for (const MetricSummary& summary : summarize_metrics(run)) {
    MetricStats s;
    s.candidate_id = summary.candidate_id;
    s.metric = summary.metric;
    s.mean = summary.mean;
    s.passes = summary.passes;
    s.n = summary.n;
    s.pass_interval = wilson_interval(summary.passes, summary.n);
    std::vector<double> case_means;
    double stddev_sum = 0;
    const auto& cases = table.candidates.at(summary.candidate_id).at(summary.metric);
    for (const auto& [id, v] : cases) {
      ++s.cases;
      if (v.scored > 0) {
        case_means.push_back(v.value);
      }
      if (v.flaky()) {
        s.flaky_cases.push_back(id);
      }
    }
    case_means_of.push_back(std::move(case_means));
    auto cand = repeats.find(summary.candidate_id);
    if (cand != repeats.end()) {
      auto metric = cand->second.find(summary.metric);
      if (metric != cand->second.end() && !metric->second.empty()) {
        for (const auto& [id, values] : metric->second) {
          stddev_sum += sample_stddev(values);
        }
        s.mean_stddev = stddev_sum / static_cast<double>(metric->second.size());
      }
    }
    s.flaky_rate =
        s.cases > 0 ? static_cast<double>(s.flaky_cases.size()) / static_cast<double>(s.cases) : 0.0;
    out.push_back(std::move(s));
  }
  // Cases, not trials, are the independent units: resampling repeats of one case as if they
  // were separate cases would narrow the interval falsely. All at once, so metrics with the same
  // number of cases share one stream of draws (same numbers as one bootstrap_mean_interval each).
  std::vector<const std::vector<double>*> columns;
  columns.reserve(case_means_of.size());
  for (const auto& means : case_means_of) {
    columns.push_back(&means);
  }
  const std::vector<Interval> intervals = bootstrap_mean_intervals(columns, run.info.seed, 0.95, resamples);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].mean_interval = intervals[i];
  }
  return out;
}

std::vector<CandidateStats> candidate_stats(const RunData& run)
{
  const std::vector<std::string> order = candidate_order(run);
  std::map<std::string, std::vector<double>> latency, tokens, cost;
  std::vector<CandidateStats> out(order.size());
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < order.size(); ++i) {
    out[i].candidate_id = order[i];
    index.emplace(order[i], i);
  }
  for (const ScoredTrial& scored : run.trials) {
    const Trial& t = scored.trial;
    CandidateStats& s = out[index.at(t.candidate_id)];
    for (const Score& score : scored.scores) {
      s.known_cost_usd += score.cost_usd;
    }
    if (!t.ok()) {
      continue;
    }
    ++s.ok_trials;
    latency[t.candidate_id].push_back(t.latency_ms);
    tokens[t.candidate_id].push_back(static_cast<double>(t.usage.total_tokens));
    if (t.cost_usd) {
      cost[t.candidate_id].push_back(*t.cost_usd);
      s.known_cost_usd += *t.cost_usd;
    } else {
      ++s.cost_unknown;
    }
  }
  for (CandidateStats& s : out) {
    s.latency_ms = percentiles_of(latency[s.candidate_id]);
    s.total_tokens = percentiles_of(tokens[s.candidate_id]);
    s.cost_usd = percentiles_of(cost[s.candidate_id]);
  }
  return out;
}

} // namespace evalgate
