// Markdown for a PR comment or $GITHUB_STEP_SUMMARY: the verdict first, then the metric table,
// then what failed (gate rules, the worst cases with their reasons). Every model- or
// user-supplied text goes through markdown_cell, so it renders literally.

#include <algorithm>

#include <fmt/format.h>

#include "report/markup.hpp"
#include "report/report.hpp"
#include "report/trial_groups.hpp"
#include "stats/run_digest.hpp"
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

void write_verdict(std::ostream& out, const RunData& run, std::int64_t trials)
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
  out << fmt::format("Run `{}` · {} of {} trials · {} candidate{}\n\n", markdown_cell(run.info.id), trials,
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

void write_metrics(std::ostream& out, const RunDigest& run)
{
  const auto metrics = run.metric_summaries();
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
  for (const CandidateSummary& c : run.candidate_summaries()) {
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

// The failing rows in per-case order: the first k_max_failing_cases kept, all counted.
struct FailingRows {
  std::vector<FailingScore> shown;
  std::size_t total = 0;

  void add(FailingScore row)
  {
    if (shown.size() < k_max_failing_cases) {
      shown.push_back(std::move(row));
    }
    ++total;
  }

  void add(const ScoredTrial& t)
  {
    const std::string& candidate = t.trial.candidate_id;
    const std::string& case_id = t.trial.case_id;
    if (!t.trial.ok()) {
      add({candidate, case_id, "(call failed)", failure_kind_name(t.trial.failure), t.trial.error});
      return;
    }
    for (const Score& s : t.scores) {
      if (s.errored()) {
        add({candidate, case_id, s.metric, "error", s.error});
      } else if (!s.pass) {
        add({candidate, case_id, s.metric, fmt::format("{:.3f}", s.value), s.reason});
      }
    }
  }
};

void write_failing(std::ostream& out, const std::string& run_id, const FailingRows& rows)
{
  if (rows.total == 0) {
    return;
  }
  out << fmt::format("<details><summary>Failing scores ({} of {})</summary>\n\n", rows.shown.size(), rows.total);
  out << "| candidate | case | metric | score | reason |\n";
  out << "|---|---|---|---:|---|\n";
  for (const FailingScore& r : rows.shown) {
    out << fmt::format("| {} | {} | {} | {} | {} |\n", cell(r.candidate_id), cell(r.case_id), cell(r.metric),
                       cell(r.value), cell(r.reason));
  }
  out << "\n</details>\n\n";
  out << fmt::format("Full details: `evalgate show {} --format json`\n", markdown_cell(run_id));
}

} // namespace

void write_markdown_report(std::ostream& out, const RunData& run)
{
  const RunDigest digest = digest_of(run);
  write_verdict(out, run, digest.trial_count());
  write_metrics(out, digest);
  FailingRows rows;
  for (const auto& candidate : report_detail::group_trials(run)) {
    for (const auto& group : candidate.cases) {
      for (const ScoredTrial* t : group.trials) {
        rows.add(*t);
      }
    }
  }
  write_failing(out, run.info.id, rows);
}

Result<void> stream_markdown_report(std::ostream& out, const DigestedRun& run, Store& store)
{
  const std::string& id = run.run.info.id;
  auto unlisted = store.unlisted_trials(id);
  if (!unlisted) {
    return fail(unlisted.error());
  }
  if (*unlisted > 0) {
    // The store's order is not the per-case grouping then: group the whole run in memory.
    auto whole = store.load_run(id);
    if (!whole) {
      return fail(whole.error());
    }
    whole->info.verdict = run.run.info.verdict;
    whole->gate_results = run.run.gate_results;
    write_markdown_report(out, *whole);
    return {};
  }
  FailingRows rows;
  auto scanned = store.scan_trials(
    id,
    [&rows](const ScoredTrial& t) -> Result<void> {
      rows.add(t);
      return {};
    },
    Store::TrialFields::everything);
  if (!scanned) {
    return scanned;
  }
  write_verdict(out, run.run, run.digest.trial_count());
  write_metrics(out, run.digest);
  write_failing(out, id, rows);
  return {};
}

} // namespace evalgate
