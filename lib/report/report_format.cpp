#include <algorithm>

#include "report/report.hpp"

namespace evalgate {

std::optional<ReportFormat> report_format_from_name(const std::string& name)
{
  if (name == "table") {
    return ReportFormat::table;
  }
  if (name == "json") {
    return ReportFormat::json;
  }
  if (name == "junit") {
    return ReportFormat::junit;
  }
  if (name == "markdown" || name == "md") {
    return ReportFormat::markdown;
  }
  if (name == "html") {
    return ReportFormat::html;
  }
  if (name == "csv") {
    return ReportFormat::csv;
  }
  return std::nullopt;
}

std::optional<ReportFormat> report_format_for_path(const std::string& path)
{
  const auto slash = path.find_last_of('/');
  const auto dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return std::nullopt;
  }
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "json") {
    return ReportFormat::json;
  }
  if (ext == "xml") {
    return ReportFormat::junit;
  }
  if (ext == "md" || ext == "markdown") {
    return ReportFormat::markdown;
  }
  if (ext == "html" || ext == "htm") {
    return ReportFormat::html;
  }
  if (ext == "csv") {
    return ReportFormat::csv;
  }
  if (ext == "txt") {
    return ReportFormat::table;
  }
  return std::nullopt;
}

const char* report_format_names() { return "table, json, junit, markdown, html, csv"; }

void write_report(std::ostream& out, const RunData& run, ReportFormat format, const TerminalOptions& terminal)
{
  switch (format) {
  case ReportFormat::table: write_terminal_report(out, run, terminal); return;
  case ReportFormat::json: write_json_report(out, run); return;
  case ReportFormat::junit: write_junit_report(out, run); return;
  case ReportFormat::markdown: write_markdown_report(out, run); return;
  case ReportFormat::html: write_html_report(out, run); return;
  case ReportFormat::csv: write_csv_report(out, run); return;
  }
}

} // namespace evalgate
