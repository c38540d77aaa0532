#include "run_output.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "report/report.hpp"
#include "store/store.hpp"

namespace evalgate::cli {

Result<OutputFormat> parse_format(const std::string& text, const std::string& flag)
{
  if (text == "table") {
    return OutputFormat::table;
  }
  if (text == "json") {
    return OutputFormat::json;
  }
  return fail(ErrorCategory::usage, flag + " '" + text + "': expected one of: table, json");
}

Result<OutputFormat> format_for_path(const std::string& path)
{
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  if (ext == ".json") {
    return OutputFormat::json;
  }
  return fail(ErrorCategory::usage, "--out " + path + ": unknown report format '" + ext +
                                        "'; expected a file ending in .json");
}

Result<RunData> load_stored_run(const std::string& db_path, const std::string& run_id_or_latest)
{
  auto store = Store::open(db_path);
  if (!store) {
    return fail(store.error());
  }
  auto id = (*store)->resolve_run_id(run_id_or_latest);
  if (!id) {
    return fail(id.error());
  }
  return (*store)->load_run(*id);
}

void write_run(std::ostream& out, const RunData& run, OutputFormat format, const std::string& db_path)
{
  if (format == OutputFormat::json) {
    write_json_report(out, run);
    return;
  }
  TerminalOptions options;
  options.color = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  options.db_path = db_path;
  write_terminal_report(out, run, options);
}

Result<void> write_run_file(const std::string& path, const RunData& run, const std::string& db_path)
{
  auto format = format_for_path(path);
  if (!format) {
    return fail(format.error());
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    return fail(ErrorCategory::usage, "--out " + path + ": cannot open for writing");
  }
  write_run(file, run, *format, db_path);
  file.flush();
  if (!file) {
    return fail(ErrorCategory::store, "--out " + path + ": write failed");
  }
  return {};
}

} // namespace evalgate::cli
