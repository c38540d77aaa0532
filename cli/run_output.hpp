#pragma once
// cli/run_output: loading a stored run and writing it in the format a flag asked for; shared by
// `run`, `show` and `export`.

#include <ostream>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "report/report.hpp"
#include "stats/run_digest.hpp"

namespace evalgate::cli {

// A report format name (report_format_names()), else a usage error naming the flag.
Result<ReportFormat> parse_format(const std::string& text, const std::string& flag);
// --out FILE: the format follows the extension (.json .xml .md .html .csv .txt); else a usage error.
Result<ReportFormat> format_for_path(const std::string& path);
// Checks every --out path up front so a typo fails before the run, not after it.
Result<void> check_out_paths(const std::vector<std::string>& paths);

Result<RunData> load_stored_run(const std::string& db_path, const std::string& run_id_or_latest);
// The run's header and the digest of its trials (engine/stored_run.hpp): what the table report,
// the gate and the CI annotations need, in memory that does not grow with the trials.
Result<DigestedRun> load_digested_run(const std::string& db_path, const std::string& run_id_or_latest);
// The run without trials or cases (info and gate results).
Result<RunData> load_stored_header(const std::string& db_path, const std::string& run_id_or_latest);

// Writes a digested run in `format` (to --out files by their extension): the table from the
// digest; JSON, CSV, Markdown and JUnit streamed from `db_path`; HTML from the whole run, read
// from `db_path` once per call.
Result<void> write_run(std::ostream& out, const DigestedRun& run, ReportFormat format, const std::string& db_path);
Result<void> write_run_files(const std::vector<std::string>& paths, const DigestedRun& run,
                             const std::string& db_path);

// Under GitHub Actions (GITHUB_ACTIONS=true): `::error` annotations for failed gate rules on
// stderr, and the Markdown report appended to $GITHUB_STEP_SUMMARY when that is set.
// The Markdown is streamed from `db_path` (report.hpp).
Result<void> publish_to_ci(const DigestedRun& run, const std::string& db_path);

} // namespace evalgate::cli
