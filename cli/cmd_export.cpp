#include <fstream>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "run_output.hpp"

namespace evalgate::cli {

namespace {

struct ExportFlags {
  std::string run = "latest";
  std::string db = k_default_db;
  std::string format;
  std::string out;
};

int execute(const ExportFlags& flags)
{
  if (flags.format.empty() && flags.out.empty()) {
    return report_error(make_error(ErrorCategory::usage, std::string("export needs --format (") +
                                                           report_format_names() + ") or --out FILE"));
  }
  auto format = flags.format.empty() ? format_for_path(flags.out) : parse_format(flags.format, "--format");
  if (!format) {
    return report_error(format.error());
  }
  // Digested, so the table, JSON, CSV and Markdown stream from the store (run_output.hpp).
  auto run = load_digested_run(flags.db, flags.run);
  if (!run) {
    return report_error(run.error());
  }
  if (flags.out.empty()) {
    if (auto written = write_run(std::cout, *run, *format, flags.db); !written) {
      return report_error(written.error());
    }
    return 0;
  }
  std::ofstream file(flags.out, std::ios::binary | std::ios::trunc);
  if (!file) {
    return report_error(make_error(ErrorCategory::usage, "--out " + flags.out + ": cannot open for writing"));
  }
  if (auto written = write_run(file, *run, *format, flags.db); !written) {
    return report_error(written.error());
  }
  file.flush();
  if (!file) {
    return report_error(make_error(ErrorCategory::store, "--out " + flags.out + ": write failed"));
  }
  return 0;
}

} // namespace

Command export_command()
{
  return {"export", "Write a stored run as JSON, JUnit XML, Markdown, HTML or CSV", [](CLI::App& app) {
            auto flags = std::make_shared<ExportFlags>();
            app.add_option("run", flags->run, "Run id, or latest")->capture_default_str();
            app.add_option("--db", flags->db, "SQLite database for runs")->capture_default_str();
            app.add_option("--format", flags->format,
                           "table, json, junit, markdown, html or csv (default: from --out's extension)");
            app.add_option("--out,-o", flags->out, "Write to FILE instead of stdout");
            return [flags] { return execute(*flags); };
          }};
}

} // namespace evalgate::cli
