#include <fstream>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "report/compare_report.hpp"
#include "run_output.hpp"

namespace evalgate::cli {

namespace {

struct CompareFlags {
  std::vector<std::string> runs;
  std::vector<std::string> candidates;
  std::string db = k_default_db;
  std::string format = "table";
  std::size_t top = 5;
  std::string out;
};

int execute(const CompareFlags& flags)
{
  if (flags.format != "table" && flags.format != "markdown" && flags.format != "json" && flags.format != "html") {
    return report_error(make_error(ErrorCategory::usage, "--format '" + flags.format +
                                                             "': expected one of: table, markdown, json, html"));
  }
  if (flags.runs.empty() || flags.runs.size() > 2 || (flags.runs.size() == 1 && flags.candidates.empty())) {
    return report_error(
        make_error(ErrorCategory::usage, "compare takes two runs (A B), or one run and --candidates X Y"));
  }
  auto a = load_stored_run(flags.db, flags.runs[0]);
  if (!a) {
    return report_error(a.error());
  }
  auto b = flags.runs.size() == 2 ? load_stored_run(flags.db, flags.runs[1]) : a;
  if (!b) {
    return report_error(b.error());
  }
  CompareOptions options;
  options.top = flags.top;
  auto comparison = compare_runs(*a, *b, flags.candidates, options);
  if (!comparison) {
    return report_error(comparison.error());
  }
  std::ofstream file;
  if (!flags.out.empty()) {
    file.open(flags.out, std::ios::binary | std::ios::trunc);
    if (!file) {
      return report_error(
          make_error(ErrorCategory::usage, "--out " + flags.out + ": cannot open for writing"));
    }
  }
  std::ostream& out = flags.out.empty() ? std::cout : file;
  if (flags.format == "markdown") {
    write_compare_markdown(out, *comparison);
  } else if (flags.format == "json") {
    write_compare_json(out, *comparison);
  } else if (flags.format == "html") {
    write_compare_html(out, *comparison);
  } else {
    write_compare_table(out, *comparison);
  }
  return 0;
}

} // namespace

Command compare_command()
{
  return {"compare", "Compare two runs, or two candidates of a run, case by case with intervals",
          [](CLI::App& app) {
            auto flags = std::make_shared<CompareFlags>();
            app.add_option("runs", flags->runs,
                           "Run A (reference) and run B (RUN_ID or latest); one run with --candidates")
                ->required();
            app.add_option("--candidates", flags->candidates,
                           "Compare candidate X (in A) with Y (in B, or in A)")
                ->expected(2);
            app.add_option("--db", flags->db, "SQLite database for runs")->capture_default_str();
            app.add_option("--format", flags->format, "table, markdown, json or html")->capture_default_str();
            app.add_option("--top", flags->top, "Most regressed and most improved cases to list per metric")
                ->capture_default_str();
            app.add_option("--out,-o", flags->out, "Write to FILE instead of stdout");
            return [flags] { return execute(*flags); };
          }};
}

} // namespace evalgate::cli
