#include "engine/trace_gate.hpp"

#include <fmt/format.h>

#include "stats/intervals.hpp"

namespace evalgate {

namespace {

constexpr const char* k_scope = "traces";

bool gated_on(const ScoredTraceUnit& unit)
{
  return unit.record.sample.reason != "always:errors";
}

GateResult result(const std::string& metric, const char* check, double observed, double limit, bool passed,
                  std::string message)
{
  return GateResult{metric, k_scope, check, observed, limit, passed, std::move(message)};
}

struct MetricValues {
  std::vector<double> values; // non-errored
  std::int64_t passed = 0;
  std::int64_t errored = 0;
};

MetricValues metric_values(const std::string& metric, const std::vector<ScoredTraceUnit>& units)
{
  MetricValues out;
  for (const auto& unit : units) {
    if (!gated_on(unit)) {
      continue;
    }
    for (const Score& score : unit.scores) {
      if (score.metric != metric) {
        continue;
      }
      if (score.errored()) {
        ++out.errored;
      } else {
        out.values.push_back(score.value);
        out.passed += score.pass ? 1 : 0;
      }
    }
  }
  return out;
}

void metric_checks(const GateRule& rule, const std::vector<ScoredTraceUnit>& units,
                   std::vector<GateResult>& out)
{
  const MetricValues m = metric_values(rule.metric, units);
  const auto n = static_cast<double>(m.values.size());
  const auto none = [&](const char* check, double limit) {
    out.push_back(
        result(rule.metric, check, 0, limit, false,
               fmt::format("{}: no sampled unit has a {} score to gate on", rule.metric, rule.metric)));
  };
  if (rule.min_mean) {
    if (m.values.empty()) {
      none("min_mean", *rule.min_mean);
    } else {
      double sum = 0;
      for (double v : m.values) {
        sum += v;
      }
      const double mean = sum / n;
      const bool ok = mean >= *rule.min_mean;
      out.push_back(result(rule.metric, "min_mean", mean, *rule.min_mean, ok,
                           fmt::format("{} mean {:.3f} {} {:.3f} (traces)", rule.metric, mean,
                                       ok ? ">=" : "<", *rule.min_mean)));
    }
  }
  if (rule.min_pass_rate) {
    if (m.values.empty()) {
      none("min_pass_rate", *rule.min_pass_rate);
    } else {
      const double rate = static_cast<double>(m.passed) / n;
      const bool ok = rate >= *rule.min_pass_rate;
      out.push_back(result(rule.metric, "min_pass_rate", rate, *rule.min_pass_rate, ok,
                           fmt::format("{} pass rate {:.3f} {} {:.3f} (traces)", rule.metric, rate,
                                       ok ? ">=" : "<", *rule.min_pass_rate)));
    }
  }
  if (rule.min_p05) {
    if (m.values.empty()) {
      none("min_p05", *rule.min_p05);
    } else {
      const double p05 = quantile(m.values, 0.05);
      const bool ok = p05 >= *rule.min_p05;
      out.push_back(result(
          rule.metric, "min_p05", p05, *rule.min_p05, ok,
          fmt::format("{} p05 {:.3f} {} {:.3f} (traces)", rule.metric, p05, ok ? ">=" : "<", *rule.min_p05)));
    }
  }
  if (rule.max_error_rate) {
    const double total = n + static_cast<double>(m.errored);
    const double rate = total == 0 ? 0 : static_cast<double>(m.errored) / total;
    const bool ok = total > 0 && rate <= *rule.max_error_rate;
    out.push_back(result(rule.metric, "max_error_rate", rate, *rule.max_error_rate, ok,
                         total == 0
                             ? fmt::format("{}: no sampled unit was scored on {}", rule.metric, rule.metric)
                             : fmt::format("{} error rate {:.3f} {} {:.3f} (traces)", rule.metric, rate,
                                           ok ? "<=" : ">", *rule.max_error_rate)));
  }
}

void unit_checks(const GateRule& rule, const std::vector<ScoredTraceUnit>& units,
                 std::vector<GateResult>& out)
{
  const std::string label = rule.metric.empty() ? std::string("traces") : rule.metric;
  if (rule.max_p95_latency_ms) {
    std::vector<double> latencies;
    for (const auto& unit : units) {
      if (gated_on(unit) && unit.record.latency_ms) {
        latencies.push_back(*unit.record.latency_ms);
      }
    }
    const double p95 = quantile(latencies, 0.95);
    const bool ok = !latencies.empty() && p95 <= *rule.max_p95_latency_ms;
    out.push_back(result(rule.metric, "max_p95_latency_ms", p95, *rule.max_p95_latency_ms, ok,
                         latencies.empty() ? label + ": no sampled unit reports a latency"
                                           : fmt::format("{} p95 latency {:.0f} ms {} {:.0f} ms", label, p95,
                                                         ok ? "<=" : ">", *rule.max_p95_latency_ms)));
  }
  if (rule.max_cost_usd) {
    double cost = 0;
    for (const auto& unit : units) {
      if (!gated_on(unit)) {
        continue;
      }
      cost += unit.record.cost_usd.value_or(0);
      for (const Score& score : unit.scores) {
        cost += score.cost_usd;
      }
    }
    const bool ok = cost <= *rule.max_cost_usd;
    out.push_back(result(rule.metric, "max_cost_usd", cost, *rule.max_cost_usd, ok,
                         fmt::format("{} cost ${:.4f} {} ${:.4f} (reported cost + judge cost)", label, cost,
                                     ok ? "<=" : ">", *rule.max_cost_usd)));
  }
}

} // namespace

Result<void> check_trace_gate_rules(const std::vector<GateRule>& rules)
{
  for (const auto& rule : rules) {
    if (!rule.candidate.empty()) {
      return fail(ErrorCategory::usage,
                  "gate rule for '" + rule.metric + "' names candidate '" + rule.candidate +
                      "'; traces have no candidates (use --where to score one model or route)",
                  rule.location);
    }
    if (rule.max_drop || rule.max_flaky_rate) {
      return fail(ErrorCategory::usage,
                  "gate rule for '" + rule.metric + "' uses " +
                      (rule.max_drop ? "max_drop" : "max_flaky_rate") +
                      ", which traces score cannot apply (no baseline or repeats); use min_mean, "
                      "min_pass_rate, min_p05, max_error_rate, max_p95_latency_ms or max_cost_usd",
                  rule.location);
    }
  }
  return {};
}

std::vector<GateResult> gate_trace_units(const std::vector<GateRule>& rules,
                                         const std::vector<ScoredTraceUnit>& units)
{
  std::vector<GateResult> out;
  for (const auto& rule : rules) {
    if (!rule.metric.empty()) {
      metric_checks(rule, units, out);
    }
    unit_checks(rule, units, out);
  }
  return out;
}

} // namespace evalgate
