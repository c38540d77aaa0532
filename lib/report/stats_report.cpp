#include "report/stats_report.hpp"

#include <fmt/format.h>

#include "report/text_table.hpp"
#include "stats/run_stats.hpp"

namespace evalgate::report_detail {

namespace {

using OJson = nlohmann::ordered_json;

constexpr std::size_t k_flaky_listed = 10;

OJson percentiles_json(const Percentiles& p)
{
  return {{"n", p.n}, {"p50", p.p50}, {"p95", p.p95}, {"p99", p.p99}};
}

} // namespace

void write_stat_lines(std::ostream& out, const RunDigest& run)
{
  const std::vector<MetricStats> metrics = run.metric_stats();
  if (metrics.empty()) {
    return;
  }
  out << "\n95% intervals (mean: bootstrap over cases, seed " << run.seed() << "; pass rate: Wilson):\n";
  TextTable table({{"candidate", Align::left, 32},
                   {"metric", Align::left, 28},
                   {"mean", Align::left, 0},
                   {"pass rate", Align::left, 0}});
  for (const MetricStats& m : metrics) {
    table.add_row({single_line(m.candidate_id), single_line(m.metric),
                   fmt::format("[{:.3f}, {:.3f}]", m.mean_interval.low, m.mean_interval.high),
                   fmt::format("[{:.1f}%, {:.1f}%]", m.pass_interval.low * 100, m.pass_interval.high * 100)});
  }
  table.write(out);
  for (const CandidateStats& c : run.candidate_stats()) {
    if (c.ok_trials == 0) {
      continue;
    }
    out << fmt::format("{}: latency p50/p95/p99 {:.0f}/{:.0f}/{:.0f} ms; tokens p50/p95 {:.0f}/{:.0f}\n",
                       elide(single_line(c.candidate_id), 32), c.latency_ms.p50, c.latency_ms.p95,
                       c.latency_ms.p99, c.total_tokens.p50, c.total_tokens.p95);
  }
  bool header = false;
  for (const MetricStats& m : metrics) {
    if (m.flaky_cases.empty()) {
      continue;
    }
    if (!header) {
      out << "\nflaky cases (pass/fail differs across repeats):\n";
      header = true;
    }
    std::string ids;
    for (std::size_t i = 0; i < m.flaky_cases.size() && i < k_flaky_listed; ++i) {
      ids += (i == 0 ? "" : ", ") + elide(single_line(m.flaky_cases[i]), 24);
    }
    if (m.flaky_cases.size() > k_flaky_listed) {
      ids += fmt::format(", … {} more", m.flaky_cases.size() - k_flaky_listed);
    }
    out << fmt::format("  {} {}: {} of {} cases ({:.1f}%): {}\n", elide(single_line(m.candidate_id), 32),
                       elide(single_line(m.metric), 28), m.flaky_cases.size(), m.cases, m.flaky_rate * 100,
                       ids);
  }
}

OJson stats_json(const RunData& run) { return stats_json(digest_of(run)); }

OJson stats_json(const RunDigest& digest)
{
  OJson metrics = OJson::array();
  for (const MetricStats& m : digest.metric_stats()) {
    metrics.push_back({{"candidate", m.candidate_id},
                       {"metric", m.metric},
                       {"cases", m.cases},
                       {"mean", m.mean},
                       {"mean_ci95", {m.mean_interval.low, m.mean_interval.high}},
                       {"pass_rate_ci95", {m.pass_interval.low, m.pass_interval.high}},
                       {"mean_repeat_stddev", m.mean_stddev},
                       {"flaky_rate", m.flaky_rate},
                       {"flaky_cases", m.flaky_cases}});
  }
  OJson candidates = OJson::array();
  for (const CandidateStats& c : digest.candidate_stats()) {
    candidates.push_back({{"candidate", c.candidate_id},
                          {"latency_ms", percentiles_json(c.latency_ms)},
                          {"total_tokens", percentiles_json(c.total_tokens)},
                          {"cost_usd", percentiles_json(c.cost_usd)},
                          {"known_cost_usd", c.known_cost_usd},
                          {"cost_unknown_trials", c.cost_unknown}});
  }
  return {
      {"bootstrap", {{"method", "percentile"}, {"resamples", k_default_resamples}, {"seed", digest.seed()}}},
      {"metrics", std::move(metrics)},
      {"candidates", std::move(candidates)}};
}

} // namespace evalgate::report_detail
