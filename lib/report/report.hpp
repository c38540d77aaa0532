#pragma once
// report/report: renders a stored run for people and machines. Reads RunData (from the store)
// and stats; never the engine. May use: store, stats, core.

#include <optional>
#include <ostream>
#include <string>

#include "core/types.hpp"
#include "stats/run_digest.hpp"
#include "store/store.hpp"

namespace evalgate {

struct TerminalOptions {
  bool color = false; // ANSI colours (caller decides: TTY and NO_COLOR unset)
  std::string db_path; // printed at the end so the user can find the run
};

// Table per candidate × metric (mean, pass rate, n, errors), trial failures per candidate, the
// gate verdict with each failing rule's observed value and limit, then the run id and DB path.
void write_terminal_report(std::ostream& out, const RunData& run, const TerminalOptions& options);
// The same report from a run's header (run.trials ignored) and the digest of its trials
// (Store::scan_trials), byte for byte: what `run` and `show` print without loading the trials.
void write_terminal_report(std::ostream& out, const RunData& run, const RunDigest& digest,
                           const TerminalOptions& options);
void write_terminal_report(std::ostream& out, const DigestedRun& run, const TerminalOptions& options);

// The whole run as one JSON document: info, summaries, gate, every trial with its scores.
void write_json_report(std::ostream& out, const RunData& run);
// The same document, byte for byte, with the trials streamed from `store` one at a time
// (Store::scan_trials): memory does not grow with the run. Errors: store (output may be partial).
Result<void> stream_json_report(std::ostream& out, const DigestedRun& run, Store& store);

// JUnit XML (docs/reports.md): a testsuite per candidate, a testcase per case.
void write_junit_report(std::ostream& out, const RunData& run);
// The same bytes from two streaming passes over `store` (counts, then one case's trials at a
// time); the whole run in memory only as for CSV. Errors: store (output may be partial).
Result<void> stream_junit_report(std::ostream& out, const DigestedRun& run, Store& store);
// Markdown for PR comments and $GITHUB_STEP_SUMMARY: verdict, metric table, failing scores.
void write_markdown_report(std::ostream& out, const RunData& run);
// The same bytes from the digest and one streaming pass for the failing scores (whole run in
// memory only as for CSV). Errors: store.
Result<void> stream_markdown_report(std::ostream& out, const DigestedRun& run, Store& store);
// One self-contained HTML file: summary, sortable tables, score histograms, per-case drill-down.
void write_html_report(std::ostream& out, const RunData& run);
// CSV, one row per trial × metric.
void write_csv_report(std::ostream& out, const RunData& run);
// The same bytes with the rows streamed from `store` (whole run in memory only when it has trials
// of candidates or cases it does not list). Errors: store (output may be partial).
Result<void> stream_csv_report(std::ostream& out, const DigestedRun& run, Store& store);

// GitHub Actions `::error` workflow commands, one per distinct failed gate rule.
void write_github_annotations(std::ostream& out, const RunData& run);

enum class ReportFormat { table, json, junit, markdown, html, csv };

// "table" | "json" | "junit" | "markdown" (or "md") | "html" | "csv".
std::optional<ReportFormat> report_format_from_name(const std::string& name);
// By extension: .json .xml (JUnit) .md .html/.htm .csv .txt (table); nullopt otherwise.
std::optional<ReportFormat> report_format_for_path(const std::string& path);
// The names accepted by report_format_from_name, for messages and --help.
const char* report_format_names();

// Writes `run` in `format`; `terminal` applies to the table format only.
void write_report(std::ostream& out, const RunData& run, ReportFormat format, const TerminalOptions& terminal);

// `evalgate runs`.
void write_run_list(std::ostream& out, const std::vector<RunListEntry>& runs);

} // namespace evalgate
