#include "run_output.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <utility>

#include "engine/stored_run.hpp"
#include "store/store.hpp"

namespace evalgate::cli {

Result<ReportFormat> parse_format(const std::string& text, const std::string& flag)
{
  if (auto format = report_format_from_name(text)) {
    return *format;
  }
  return fail(ErrorCategory::usage, flag + " '" + text + "': expected one of: " + report_format_names());
}

Result<ReportFormat> format_for_path(const std::string& path)
{
  if (auto format = report_format_for_path(path)) {
    return *format;
  }
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  return fail(ErrorCategory::usage,
              "--out " + path + ": unknown report format '" + ext +
                  "'; expected a file ending in .json, .xml (JUnit), .md, .html, .csv or .txt");
}

Result<void> check_out_paths(const std::vector<std::string>& paths)
{
  for (const auto& path : paths) {
    if (auto format = format_for_path(path); !format) {
      return fail(format.error());
    }
  }
  return {};
}

namespace {

// Opens the store and resolves "latest" or an id prefix, then reads the run with `read`.
template <typename Read>
auto read_stored(const std::string& db_path, const std::string& run_id_or_latest, Read read)
    -> decltype(read(std::declval<Store&>(), std::string()))
{
  auto store = Store::open(db_path);
  if (!store) {
    return fail(store.error());
  }
  auto id = (*store)->resolve_run_id(run_id_or_latest);
  if (!id) {
    return fail(id.error());
  }
  return read(**store, *id);
}

} // namespace

Result<RunData> load_stored_run(const std::string& db_path, const std::string& run_id_or_latest)
{
  return read_stored(db_path, run_id_or_latest,
                     [](Store& store, const std::string& id) { return store.load_run(id); });
}

Result<DigestedRun> load_digested_run(const std::string& db_path, const std::string& run_id_or_latest)
{
  return read_stored(db_path, run_id_or_latest,
                     [](Store& store, const std::string& id) { return digest_stored_run(store, id); });
}

Result<RunData> load_stored_header(const std::string& db_path, const std::string& run_id_or_latest)
{
  return read_stored(db_path, run_id_or_latest,
                     [](Store& store, const std::string& id) { return store.load_run_header(id); });
}

namespace {

TerminalOptions terminal_options(std::ostream& out, const std::string& db_path)
{
  TerminalOptions options;
  options.color = &out == &std::cout && isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  options.db_path = db_path;
  return options;
}

// The whole run, read on first use: only the formats that list every trial need it.
class FullRun {
public:
  FullRun(const DigestedRun& run, const std::string& db_path) : m_run(run), m_db_path(db_path) {}

  Result<const RunData*> get()
  {
    if (!m_full) {
      auto loaded = load_stored_run(m_db_path, m_run.run.info.id);
      if (!loaded) {
        return fail(loaded.error());
      }
      // What the caller holds may be newer than the store (a gate not yet saved): keep its verdict.
      loaded->info.verdict = m_run.run.info.verdict;
      loaded->gate_results = m_run.run.gate_results;
      m_full = std::move(loaded).value();
    }
    return &*m_full;
  }

private:
  const DigestedRun& m_run;
  const std::string& m_db_path;
  std::optional<RunData> m_full;
};

Result<void> write_digested(std::ostream& out, const DigestedRun& run, ReportFormat format,
                            const std::string& db_path, FullRun& full)
{
  if (format == ReportFormat::table) {
    write_terminal_report(out, run, terminal_options(out, db_path));
    return {};
  }
  if (format != ReportFormat::html) {
    // Streamed from the store: these never hold the run's trials.
    auto store = Store::open(db_path);
    if (!store) {
      return fail(store.error());
    }
    switch (format) {
    case ReportFormat::json:
      return stream_json_report(out, run, **store);
    case ReportFormat::csv:
      return stream_csv_report(out, run, **store);
    case ReportFormat::junit:
      return stream_junit_report(out, run, **store);
    default:
      return stream_markdown_report(out, run, **store);
    }
  }
  auto whole = full.get();
  if (!whole) {
    return fail(whole.error());
  }
  write_report(out, **whole, format, terminal_options(out, db_path));
  return {};
}

} // namespace

Result<void> write_run(std::ostream& out, const DigestedRun& run, ReportFormat format,
                       const std::string& db_path)
{
  FullRun full(run, db_path);
  return write_digested(out, run, format, db_path, full);
}

Result<void> write_run_files(const std::vector<std::string>& paths, const DigestedRun& run,
                             const std::string& db_path)
{
  FullRun full(run, db_path);
  for (const auto& path : paths) {
    auto format = format_for_path(path);
    if (!format) {
      return fail(format.error());
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) {
      return fail(ErrorCategory::usage, "--out " + path + ": cannot open for writing");
    }
    if (auto written = write_digested(file, run, *format, db_path, full); !written) {
      return written;
    }
    file.flush();
    if (!file) {
      return fail(ErrorCategory::store, "--out " + path + ": write failed");
    }
  }
  return {};
}

Result<void> publish_to_ci(const DigestedRun& run, const std::string& db_path)
{
  const char* actions = std::getenv("GITHUB_ACTIONS");
  if (actions == nullptr || std::string(actions) != "true") {
    return {};
  }
  write_github_annotations(std::cerr, run.run); // the gate results are all it reads
  const char* summary = std::getenv("GITHUB_STEP_SUMMARY");
  if (summary == nullptr || *summary == '\0') {
    return {};
  }
  std::ofstream file(summary, std::ios::binary | std::ios::app);
  if (!file) {
    return fail(ErrorCategory::usage,
                std::string("GITHUB_STEP_SUMMARY ") + summary + ": cannot open for appending");
  }
  FullRun not_needed(run, db_path); // Markdown streams from the store
  if (auto written = write_digested(file, run, ReportFormat::markdown, db_path, not_needed); !written) {
    return written;
  }
  file << "\n";
  file.flush();
  if (!file) {
    return fail(ErrorCategory::store, std::string("GITHUB_STEP_SUMMARY ") + summary + ": write failed");
  }
  return {};
}

} // namespace evalgate::cli
