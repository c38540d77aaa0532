// The human report printed after `evalgate run` and by `evalgate show`. Layout and wording are
// documented in docs/reports.md; keep the two in step.

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "report/report.hpp"
#include "report/stats_report.hpp"
#include "report/text_table.hpp"
#include "stats/run_digest.hpp"
#include "stats/summary.hpp"

namespace evalgate {

namespace {

using report_detail::Align;
using report_detail::display_width;
using report_detail::elide;
using report_detail::single_line;
using report_detail::TextTable;

// Fits the table in 100 columns: 32 + 28 + the numeric columns (~36) and separators.
constexpr std::size_t k_line_width = 100;
constexpr std::size_t k_candidate_width = 32;
constexpr std::size_t k_metric_width = 28;
constexpr std::size_t k_max_error_lines = 5;

constexpr const char* k_green = "\x1b[1;32m";
constexpr const char* k_red = "\x1b[1;31m";
constexpr const char* k_reset = "\x1b[0m";

std::string paint(const std::string& text, const char* colour, bool enabled)
{
  return enabled ? fmt::format("{}{}{}", colour, text, k_reset) : text;
}

std::string plural(std::int64_t n, const char* word)
{
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

void write_header(std::ostream& out, const RunData& run, const RunDigest& digest)
{
  const RunInfo& info = run.info;
  out << fmt::format("{} · run {} · {} · {}/{} trials\n",
                     info.suite_name.empty() ? "(unnamed suite)" : single_line(info.suite_name),
                     info.id, run_status_name(info.status), digest.trial_count(), info.trial_count);
}

void write_metric_table(std::ostream& out, const std::vector<MetricSummary>& metrics)
{
  if (metrics.empty()) {
    out << "no scores\n";
    return;
  }
  TextTable table({
      {"candidate", Align::left, k_candidate_width},
      {"metric", Align::left, k_metric_width},
      {"mean", Align::right, 0},
      {"pass rate", Align::right, 0},
      {"n", Align::right, 0},
      {"errors", Align::right, 0},
  });
  for (const MetricSummary& m : metrics) {
    table.add_row({m.candidate_id, m.metric, fmt::format("{:.3f}", m.mean),
                   fmt::format("{:.1f}%", m.pass_rate * 100.0), std::to_string(m.n),
                   std::to_string(m.errors)});
  }
  table.write(out);
}

// "3 failed: 2 rate_limited, 1 timeout": most frequent kind first.
std::string failure_breakdown(const RunDigest& run, const CandidateSummary& summary)
{
  if (summary.failed_trials == 0) {
    return "0 failed";
  }
  const std::map<FailureKind, std::int64_t> by_kind = run.failure_kinds(summary.candidate_id);
  std::vector<std::pair<FailureKind, std::int64_t>> kinds(by_kind.begin(), by_kind.end());
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string parts;
  for (const auto& [kind, count] : kinds) {
    parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count, failure_kind_name(kind));
  }
  return fmt::format("{} failed: {}", summary.failed_trials, parts);
}

void write_candidate_lines(std::ostream& out, const RunDigest& run,
                           const std::vector<CandidateSummary>& candidates)
{
  for (const CandidateSummary& c : candidates) {
    std::vector<std::string> parts = {
        fmt::format("{}: {}, {}", elide(single_line(c.candidate_id), k_candidate_width),
                    plural(c.trials, "trial"), failure_breakdown(run, c)),
        fmt::format("mean latency {:.0f} ms", c.mean_latency_ms),
        fmt::format("tokens {} in, {} out", c.prompt_tokens, c.completion_tokens),
    };
    if (c.unknown_cost_trials > 0 && c.cost_usd == 0) {
      parts.push_back("cost unknown"); // an unpriced model: never shown as $0 (docs/pricing.md)
    } else if (c.unknown_cost_trials > 0) {
      parts.push_back(fmt::format("cost ${:.4f} + {} of unknown cost", c.cost_usd,
                                  plural(c.unknown_cost_trials, "trial")));
    } else if (c.cost_usd > 0) {
      parts.push_back(fmt::format("cost ${:.4f}", c.cost_usd));
    }
    if (c.cache_hits > 0) {
      parts.push_back(fmt::format("{} from cache", c.cache_hits));
    }
    // Wrap between parts, continuation indented, rather than run past 100 columns.
    std::string line = parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i) {
      if (display_width(line) + 2 + display_width(parts[i]) <= k_line_width) {
        line += "; " + parts[i];
      } else {
        out << line << ";\n";
        line = "  " + parts[i];
      }
    }
    out << line << '\n';
  }
}

struct ErrorGroup {
  std::string label; // failure kind, or "<metric> score"
  std::string message;
  std::int64_t count = 0;
};

// Distinct errors with counts, most frequent first (ties: first seen), so the one message that
// explains 2000 failures is on top. The digest's tallies are distinct raw texts in first-seen
// order; texts that read the same on one line merge here, keeping the first one's place.
std::vector<ErrorGroup> group_errors(const RunDigest& run)
{
  std::vector<ErrorGroup> groups;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  auto add = [&](std::string label, const std::string& message, std::int64_t count) {
    auto key = std::make_pair(std::move(label), single_line(message));
    auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) {
      groups.push_back({key.first, key.second, 0});
    }
    groups[it->second].count += count;
  };
  for (const ErrorTally& tally : run.errors()) {
    if (tally.kind != FailureKind::none) {
      add(failure_kind_name(tally.kind), tally.message.empty() ? "(no message)" : tally.message, tally.count);
    } else {
      add(fmt::format("{} score", single_line(tally.metric)), tally.message, tally.count);
    }
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const ErrorGroup& a, const ErrorGroup& b) { return a.count > b.count; });
  return groups;
}

void write_errors(std::ostream& out, const RunDigest& run)
{
  const std::vector<ErrorGroup> groups = group_errors(run);
  if (groups.empty()) {
    return;
  }
  out << fmt::format("\nerrors ({} distinct):\n", groups.size());
  const std::size_t shown = std::min(groups.size(), k_max_error_lines);
  const std::size_t count_width = std::to_string(groups.front().count).size();
  for (std::size_t i = 0; i < shown; ++i) {
    const ErrorGroup& g = groups[i];
    const std::string prefix =
        fmt::format("  {:>{}} x {}: ", g.count, count_width, elide(g.label, k_metric_width));
    const std::size_t used = display_width(prefix);
    const std::size_t room = used + 20 < k_line_width ? k_line_width - used : 20;
    out << prefix << elide(g.message, room) << '\n';
  }
  if (groups.size() > shown) {
    out << fmt::format("  … {} more (full errors: evalgate show {} --format json)\n",
                       groups.size() - shown, run.run_id());
  }
}

void write_gate(std::ostream& out, const RunData& run, bool color)
{
  out << '\n';
  if (run.gate_results.empty()) {
    if (run.info.verdict == "fail") {
      out << paint("GATE FAILED", k_red, color) << '\n';
    } else if (run.info.status == RunStatus::completed || !run.info.verdict.empty()) {
      out << "no gate rules\n";
    } else {
      out << fmt::format("not gated: run {}\n", run_status_name(run.info.status));
    }
    return;
  }
  const bool passed = std::all_of(run.gate_results.begin(), run.gate_results.end(),
                                  [](const GateResult& r) { return r.passed; });
  if (passed) {
    out << paint("GATE PASSED", k_green, color)
        << fmt::format(" ({} checks)\n", run.gate_results.size());
    return;
  }
  std::vector<std::string> seen;
  std::size_t failing = 0;
  for (const GateResult& r : run.gate_results) {
    failing += r.passed ? 0 : 1;
  }
  out << paint("GATE FAILED", k_red, color)
      << fmt::format(" ({} of {} checks failed)\n", failing, run.gate_results.size());
  for (const GateResult& r : run.gate_results) {
    // One failure (a missing metric) yields the same message for each check of its rule.
    if (r.passed || std::find(seen.begin(), seen.end(), r.message) != seen.end()) {
      continue;
    }
    seen.push_back(r.message);
    out << "  " << paint("FAIL", k_red, color) << ' ' << single_line(r.message) << '\n';
  }
}

} // namespace

void write_terminal_report(std::ostream& out, const RunData& run, const TerminalOptions& options)
{
  write_terminal_report(out, run, digest_of(run), options);
}

void write_terminal_report(std::ostream& out, const DigestedRun& run, const TerminalOptions& options)
{
  write_terminal_report(out, run.run, run.digest, options);
}

void write_terminal_report(std::ostream& out, const RunData& run, const RunDigest& digest,
                           const TerminalOptions& options)
{
  write_header(out, run, digest);
  out << '\n';
  write_metric_table(out, digest.metric_summaries());
  const std::vector<CandidateSummary> candidates = digest.candidate_summaries();
  if (!candidates.empty()) {
    out << '\n';
    write_candidate_lines(out, digest, candidates);
    const RunCost cost = summarize_cost(candidates);
    if (candidates.size() > 1 && (cost.known_usd > 0 || cost.unknown_cost_trials > 0)) {
      out << fmt::format("run cost ${:.4f}{}\n", cost.known_usd,
                         cost.unknown_cost_trials > 0
                           ? fmt::format(" + {} of unknown cost", plural(cost.unknown_cost_trials, "trial"))
                           : std::string());
    }
  }
  report_detail::write_stat_lines(out, digest);
  write_errors(out, digest);
  write_gate(out, run, options.color);
  if (options.db_path.empty()) {
    out << fmt::format("run {}\n", run.info.id);
  } else {
    out << fmt::format("run {} stored in {}\n", run.info.id, options.db_path);
  }
}

} // namespace evalgate
