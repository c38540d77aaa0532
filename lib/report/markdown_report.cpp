// Markdown for a PR comment or $GITHUB_STEP_SUMMARY: the verdict first, then the metric table,
// then what failed (gate rules, the worst cases with their reasons). Every model- or
// user-supplied text goes through markdown_cell, so it renders literally.

#include <algorithm>

#include <fmt/format.h>

#include "report/markup.hpp"
#include "report/report.hpp"
#include "report/trial_groups.hpp"
#include "stats/summary.hpp"

namespace evalgate {

namespace {

using report_detail::markdown_cell;

constexpr std::size_t k_max_failing_cases = 10;
constexpr std::size_t k_max_cell_bytes = 160;

std::string cell(const std::string& text)
{
  return markdown_cell(report_detail::truncate_utf8(text, k_max_cell_bytes));
}

void write_verdict(std::ostream& out, const RunData& run)
{
  const std::string suite = run.info.suite_name.empty() ? "evalgate" : run.info.suite_name;
  std::string verdict;
  if (run.info.verdict == "pass") {
    verdict = "✅ gate passed";
  } else if (run.info.verdict == "fail") {
    verdict = "❌ gate failed";
  } else {
    verdict = fmt::format("⚠️ not gated (run {})", run_status_name(run.info.status));
  }
  out << fmt::format("## {}: {}\n\n", markdown_cell(suite), verdict);
  out << fmt::format("Run `{}` · {} of {} trials · {} candidate{}\n\n", markdown_cell(run.info.id), run.trials.size(),
                     run.info.trial_count, run.info.candidates.size(), run.info.candidates.size() == 1 ? "" : "s");
  std::vector<std::string> shown;
  for (const GateResult& r : run.gate_results) {
    if (!r.passed && std::find(shown.begin(), shown.end(), r.message) == shown.end()) {
      shown.push_back(r.message);
    }
  }
  if (!shown.empty()) {
    out << "**Failed rules**\n\n";
    for (const std::string& message : shown) {
      out << "- " << markdown_cell(message) << "\n";
    }
    out << "\n";
  }
}

void write_metrics(std::ostream& out, const RunData& run)
{
  const auto metrics = summarize_metrics(run);
  if (metrics.empty()) {
    out << "No scores.\n\n";
    return;
  }
  out << "| candidate | metric | mean | pass rate | n | errors |\n";
  out << "|---|---|---:|---:|---:|---:|\n";
  for (const MetricSummary& m : metrics) {
    out << fmt::format("| {} | {} | {:.3f} | {:.1f}% | {} | {} |\n", cell(m.candidate_id), cell(m.metric), m.mean,
                       m.pass_rate * 100.0, m.n, m.errors);
  }
  out << "\n";
  out << "| candidate | trials | failed | mean latency | tokens in / out | cost |\n";
  out << "|---|---:|---:|---:|---:|---:|\n";
  for (const CandidateSummary& c : summarize_candidates(run)) {
    out << fmt::format("| {} | {} | {} | {:.0f} ms | {} / {} | ${:.4f} |\n", cell(c.candidate_id), c.trials,
                       c.failed_trials, c.mean_latency_ms, c.prompt_tokens, c.completion_tokens, c.cost_usd);
  }
  out << "\n";
}

struct FailingScore {
  std::string candidate_id;
  std::string case_id;
  std::string metric;
  std::string value;
  std::string reason;
};

std::vector<FailingScore> failing_scores(const RunData& run)
{
  std::vector<FailingScore> rows;
  for (const auto& candidate : report_detail::group_trials(run)) {
    for (const auto& group : candidate.cases) {
      for (const ScoredTrial* t : group.trials) {
        if (!t->trial.ok()) {
          rows.push_back({group.candidate_id, group.case_id, "(call failed)", failure_kind_name(t->trial.failure),
                          t->trial.error});
          continue;
        }
        for (const Score& s : t->scores) {
          if (s.errored()) {
            rows.push_back({group.candidate_id, group.case_id, s.metric, "error", s.error});
          } else if (!s.pass) {
            rows.push_back({group.candidate_id, group.case_id, s.metric, fmt::format("{:.3f}", s.value), s.reason});
          }
        }
      }
    }
  }
  return rows;
}

void write_failing(std::ostream& out, const RunData& run)
{
  const auto rows = failing_scores(run);
  if (rows.empty()) {
    return;
  }
  const std::size_t shown = std::min(rows.size(), k_max_failing_cases);
  out << fmt::format("<details><summary>Failing scores ({} of {})</summary>\n\n", shown, rows.size());
  out << "| candidate | case | metric | score | reason |\n";
  out << "|---|---|---|---:|---|\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const FailingScore& r = rows[i];
    out << fmt::format("| {} | {} | {} | {} | {} |\n", cell(r.candidate_id), cell(r.case_id), cell(r.metric),
                       cell(r.value), cell(r.reason));
  }
  out << "\n</details>\n\n";
  out << fmt::format("Full details: `evalgate show {} --format json`\n", markdown_cell(run.info.id));
}

} // namespace

void write_markdown_report(std::ostream& out, const RunData& run)
{
  write_verdict(out, run);
  write_metrics(out, run);
  write_failing(out, run);
}

} // namespace evalgate
