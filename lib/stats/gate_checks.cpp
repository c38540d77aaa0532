#include "stats/gate_checks.hpp"

#include <fmt/format.h>

#include "stats/comparison.hpp"
#include "stats/intervals.hpp"
#include "stats/run_stats.hpp"

namespace evalgate::stats_detail {

namespace {

GateResult start(const GateRule& rule, const std::string& candidate_id, const char* check, double limit)
{
  GateResult result;
  result.metric = rule.metric;
  result.candidate_id = candidate_id;
  result.check = check;
  result.limit = limit;
  return result;
}

const std::map<std::string, CaseValue>* cases_of(const CaseTable& table, const std::string& candidate_id,
                                                 const std::string& metric)
{
  auto candidate = table.candidates.find(candidate_id);
  if (candidate == table.candidates.end()) {
    return nullptr;
  }
  auto cases = candidate->second.find(metric);
  return cases == candidate->second.end() ? nullptr : &cases->second;
}

std::string listed(const std::vector<std::string>& ids, std::size_t limit = 5)
{
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < limit; ++i) {
    out += (i == 0 ? "" : ", ") + ids[i];
  }
  if (ids.size() > limit) {
    out += fmt::format(", … {} more", ids.size() - limit);
  }
  return out;
}

std::string one_sided(const PairedDrop& paired)
{
  std::string out;
  if (!paired.only_base.empty()) {
    out += fmt::format("; {} case(s) only in the baseline: {}", paired.only_base.size(),
                       listed(paired.only_base));
  }
  if (!paired.only_current.empty()) {
    out += fmt::format("; {} case(s) only in this run: {}", paired.only_current.size(),
                       listed(paired.only_current));
  }
  return out;
}

} // namespace

GateResult check_max_drop(const GateRule& rule, const std::string& candidate_id, const GateInputs& in)
{
  GateResult result = start(rule, candidate_id, "max_drop", *rule.max_drop);
  if (in.options.baseline == nullptr) {
    result.message = fmt::format("{} max_drop on {}: no baseline given (pass --baseline RUN_ID|latest|FILE)",
                                 rule.metric, candidate_id);
    return result;
  }
  const CaseTable& baseline = *in.options.baseline;
  const auto* base = cases_of(baseline, candidate_id, rule.metric);
  if (base == nullptr) {
    result.message =
        fmt::format("{} max_drop on {}: the baseline ({}) has no values for this candidate and metric",
                    rule.metric, candidate_id, baseline.source);
    return result;
  }
  const auto current = in.run.case_values(candidate_id, rule.metric);
  const PairedDrop paired = paired_drops(*base, current ? *current : std::map<std::string, CaseValue>{});
  if (paired.drops.empty()) {
    result.message =
        fmt::format("{} max_drop on {}: no case is scored in both this run and the baseline ({}){}",
                    rule.metric, candidate_id, baseline.source, one_sided(paired));
    return result;
  }
  double sum = 0;
  for (double d : paired.drops) {
    sum += d;
  }
  result.observed = sum / static_cast<double>(paired.drops.size());
  // One-sided test: is the drop above 0 at the rule's confidence? The lower bound of the
  // one-sided interval is the (1 − confidence) quantile of the bootstrap means of the drops.
  const std::vector<double> means = bootstrap_means(paired.drops, in.run.seed(), in.options.resamples);
  const double lower = quantile(means, 1 - rule.confidence);
  const bool significant = lower > 0;
  const bool beyond = result.observed > result.limit;
  result.passed = !(beyond && significant);
  const int percent = static_cast<int>(std::lround(rule.confidence * 100));
  std::string why;
  if (!beyond) {
    why = fmt::format("{:.3f} <= {:.3f}", result.observed, result.limit);
  } else if (!significant) {
    why = fmt::format("{:.3f} > {:.3f} but not significant at {}% (lower bound {:.3f} <= 0)", result.observed,
                      result.limit, percent, lower);
  } else {
    why = fmt::format("{:.3f} > {:.3f}, significant at {}% (lower bound {:.3f} > 0)", result.observed,
                      result.limit, percent, lower);
  }
  result.message = fmt::format("{} drop vs baseline {} on {} ({} shared cases){}", rule.metric, why,
                               candidate_id, paired.drops.size(), one_sided(paired));
  return result;
}

GateResult check_max_flaky_rate(const GateRule& rule, const std::string& candidate_id, const GateInputs& in)
{
  GateResult result = start(rule, candidate_id, "max_flaky_rate", *rule.max_flaky_rate);
  const auto cases = in.run.case_values(candidate_id, rule.metric);
  if (!cases || cases->empty()) {
    result.message =
        fmt::format("no scores for metric '{}' on {} (flaky rate unknown)", rule.metric, candidate_id);
    return result;
  }
  std::vector<std::string> flaky;
  for (const auto& [id, v] : *cases) {
    if (v.flaky()) {
      flaky.push_back(id);
    }
  }
  result.observed = static_cast<double>(flaky.size()) / static_cast<double>(cases->size());
  result.passed = result.observed <= result.limit;
  result.message = fmt::format("{} flaky rate {:.3f} {} {:.3f} on {} ({} of {} cases{}{})", rule.metric,
                               result.observed, result.passed ? "<=" : ">", result.limit, candidate_id,
                               flaky.size(), cases->size(), flaky.empty() ? "" : ": ", listed(flaky));
  return result;
}

GateResult check_max_p95_latency(const GateRule& rule, const std::string& candidate_id, const GateInputs& in)
{
  GateResult result = start(rule, candidate_id, "max_p95_latency_ms", *rule.max_p95_latency_ms);
  const std::vector<double> latencies = in.run.ok_latencies(candidate_id);
  if (latencies.empty()) {
    result.message = fmt::format("p95 latency on {}: no successful trials", candidate_id);
    return result;
  }
  result.observed = quantile(latencies, 0.95);
  result.passed = result.observed <= result.limit;
  result.message = fmt::format("p95 latency {:.0f} ms {} {:.0f} ms on {} ({} trials)", result.observed,
                               result.passed ? "<=" : ">", result.limit, candidate_id, latencies.size());
  return result;
}

GateResult check_max_cost(const GateRule& rule, const std::string& candidate_id, const GateInputs& in)
{
  GateResult result = start(rule, candidate_id, "max_cost_usd", *rule.max_cost_usd);
  CandidateStats stats;
  for (const CandidateStats& s : in.run.candidate_stats()) {
    if (s.candidate_id == candidate_id) {
      stats = s;
    }
  }
  result.observed = stats.known_cost_usd;
  if (stats.cost_unknown > 0) {
    // A total with unknown parts is a lower bound, which cannot prove a maximum is respected.
    result.message =
        fmt::format("cost on {}: unknown for {} of {} trials (no price for the model), so "
                    "max_cost_usd {:.4f} cannot pass; known part ${:.4f}",
                    candidate_id, stats.cost_unknown, stats.ok_trials, result.limit, result.observed);
    return result;
  }
  result.passed = result.observed <= result.limit;
  result.message = fmt::format("cost ${:.4f} {} ${:.4f} on {}", result.observed, result.passed ? "<=" : ">",
                               result.limit, candidate_id);
  return result;
}

} // namespace evalgate::stats_detail
