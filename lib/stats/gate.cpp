#include "stats/summary.hpp"

#include "stats/gate_checks.hpp"
#include "stats/run_digest.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace evalgate {

namespace {

enum class Direction { at_least, at_most };

struct Check {
  const char* key;   // rule key, stored as GateResult::check
  const char* label; // words in the message: "contains pass rate 0.820 < 0.950 on v1/bad"
  Direction direction;
  std::optional<double> limit;
};

std::vector<Check> checks_of(const GateRule& rule)
{
  std::vector<Check> checks;
  const Check all[] = {
      {"min_mean", "mean", Direction::at_least, rule.min_mean},
      {"min_pass_rate", "pass rate", Direction::at_least, rule.min_pass_rate},
      {"max_error_rate", "error rate", Direction::at_most, rule.max_error_rate},
      {"max_drop", "drop", Direction::at_most, rule.max_drop},
      {"max_flaky_rate", "flaky rate", Direction::at_most, rule.max_flaky_rate},
      {"max_p95_latency_ms", "p95 latency", Direction::at_most, rule.max_p95_latency_ms},
      {"max_cost_usd", "cost", Direction::at_most, rule.max_cost_usd},
  };
  for (const Check& check : all) {
    if (check.limit) {
      checks.push_back(check);
    }
  }
  return checks;
}

struct CandidateCounts {
  std::int64_t trials = 0;
  std::int64_t failed = 0;
};

CandidateCounts counts_for(const RunDigest& run, const std::string& candidate_id)
{
  return {run.trials_of(candidate_id), run.failed_trials_of(candidate_id)};
}

const MetricSummary* find_summary(const std::vector<MetricSummary>& summaries,
                                  const std::string& candidate_id, const std::string& metric)
{
  for (const MetricSummary& s : summaries) {
    if (s.candidate_id == candidate_id && s.metric == metric) {
      return &s;
    }
  }
  return nullptr;
}

std::string why_no_scores(const CandidateCounts& counts)
{
  if (counts.trials == 0) {
    return "no trials";
  }
  if (counts.failed == counts.trials) {
    return counts.trials == 1 ? "its only trial failed"
                              : fmt::format("all {} trials failed", counts.trials);
  }
  return "metric not evaluated";
}

GateResult base_result(const GateRule& rule, const std::string& candidate_id, const Check& check)
{
  GateResult result;
  result.metric = rule.metric;
  result.candidate_id = candidate_id;
  result.check = check.key;
  result.limit = *check.limit;
  return result;
}

// Failed trials count against max_error_rate: a provider outage must not hide behind a metric
// that was only computed on the few trials that got through.
double error_rate(const MetricSummary& summary, const CandidateCounts& counts)
{
  const auto denominator = summary.n + counts.failed;
  if (denominator == 0) {
    return 0.0;
  }
  return static_cast<double>(summary.errors + counts.failed) / static_cast<double>(denominator);
}

GateResult judge(const GateRule& rule, const std::string& candidate_id, const Check& check,
                 const MetricSummary* summary, const CandidateCounts& counts)
{
  GateResult result = base_result(rule, candidate_id, check);
  if (summary == nullptr || summary->n == 0) {
    result.observed = (check.direction == Direction::at_most && counts.failed > 0) ? 1.0 : 0.0;
    result.passed = false;
    result.message = fmt::format("no scores for metric '{}' on {} ({})", rule.metric, candidate_id,
                                 why_no_scores(counts));
    return result;
  }
  const std::string_view key = check.key;
  if (key == "min_mean") {
    result.observed = summary->mean;
  } else if (key == "min_pass_rate") {
    result.observed = summary->pass_rate;
  } else {
    result.observed = error_rate(*summary, counts);
  }
  // Exact comparisons: a limit of 0.95 is met by an observed 0.95.
  const char* op = nullptr;
  if (check.direction == Direction::at_least) {
    result.passed = result.observed >= result.limit;
    op = result.passed ? ">=" : "<";
  } else {
    result.passed = result.observed <= result.limit;
    op = result.passed ? "<=" : ">";
  }
  result.message = fmt::format("{} {} {:.3f} {} {:.3f} on {}", rule.metric, check.label,
                               result.observed, op, result.limit, candidate_id);
  return result;
}

std::string join(const std::vector<std::string>& items)
{
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) {
      out += ", ";
    }
    out += item;
  }
  return out.empty() ? "none" : out;
}

} // namespace

GateVerdict evaluate_gate(const std::vector<GateRule>& rules, const RunData& run)
{
  return evaluate_gate(rules, run, GateOptions{});
}

GateVerdict evaluate_gate(const std::vector<GateRule>& rules, const RunData& run, const GateOptions& options)
{
  if (rules.empty()) {
    return GateVerdict{};
  }
  return evaluate_gate(rules, digest_of(run), options);
}

GateVerdict evaluate_gate(const std::vector<GateRule>& rules, const RunDigest& run, const GateOptions& options)
{
  GateVerdict verdict;
  if (rules.empty()) {
    return verdict;
  }
  const std::vector<std::string>& candidates = run.candidate_order();
  const std::vector<MetricSummary> summaries = run.metric_summaries();
  const stats_detail::GateInputs inputs{run, options};

  for (const GateRule& rule : rules) {
    const std::vector<Check> checks = checks_of(rule);
    if (!rule.candidate.empty() &&
        std::find(candidates.begin(), candidates.end(), rule.candidate) == candidates.end()) {
      // A typo in a rule's candidate must fail loudly, not gate nothing.
      for (const Check& check : checks) {
        GateResult result = base_result(rule, rule.candidate, check);
        result.message = fmt::format("{}{}: candidate '{}' is not in this run (candidates: {})",
                                     rule.metric.empty() ? "" : rule.metric + " ", check.label,
                                     rule.candidate, join(candidates));
        verdict.results.push_back(std::move(result));
      }
      continue;
    }
    std::vector<std::string> targets;
    if (rule.candidate.empty()) {
      targets = candidates;
    } else {
      targets.push_back(rule.candidate);
    }
    for (const std::string& candidate_id : targets) {
      const MetricSummary* summary = find_summary(summaries, candidate_id, rule.metric);
      const CandidateCounts counts = counts_for(run, candidate_id);
      for (const Check& check : checks) {
        const std::string_view key = check.key;
        if (key == "max_drop") {
          verdict.results.push_back(stats_detail::check_max_drop(rule, candidate_id, inputs));
        } else if (key == "max_flaky_rate") {
          verdict.results.push_back(stats_detail::check_max_flaky_rate(rule, candidate_id, inputs));
        } else if (key == "max_p95_latency_ms") {
          verdict.results.push_back(stats_detail::check_max_p95_latency(rule, candidate_id, inputs));
        } else if (key == "max_cost_usd") {
          verdict.results.push_back(stats_detail::check_max_cost(rule, candidate_id, inputs));
        } else {
          verdict.results.push_back(judge(rule, candidate_id, check, summary, counts));
        }
      }
    }
  }

  verdict.passed = std::all_of(verdict.results.begin(), verdict.results.end(),
                               [](const GateResult& r) { return r.passed; });
  return verdict;
}

} // namespace evalgate
