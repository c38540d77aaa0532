#include <iostream>
#include <memory>

#include "command.hpp"
#include "report/report.hpp"
#include "run_output.hpp"
#include "store/store.hpp"

namespace evalgate::cli {

namespace {

struct RunsFlags {
  std::string db = k_default_db;
  int limit = 50;
};

struct ShowFlags {
  std::string run = "latest";
  std::string db = k_default_db;
  std::string format = "table";
};

} // namespace

Command runs_command()
{
  return {"runs", "List stored runs, newest first", [](CLI::App& app) {
            auto flags = std::make_shared<RunsFlags>();
            app.add_option("--db", flags->db, "SQLite database for runs")->capture_default_str();
            app.add_option("--limit,-n", flags->limit, "At most this many runs")->capture_default_str();
            return [flags] {
              auto store = Store::open(flags->db);
              if (!store) {
                return report_error(store.error());
              }
              auto runs = (*store)->list_runs(flags->limit);
              if (!runs) {
                return report_error(runs.error());
              }
              write_run_list(std::cout, *runs);
              return 0;
            };
          }};
}

Command show_command()
{
  return {"show", "Print a stored run's report (RUN_ID or latest)", [](CLI::App& app) {
            auto flags = std::make_shared<ShowFlags>();
            app.add_option("run", flags->run, "Run id, or latest")->capture_default_str();
            app.add_option("--db", flags->db, "SQLite database for runs")->capture_default_str();
            app.add_option("--format", flags->format, "table, json, junit, markdown, html or csv")
              ->capture_default_str();
            return [flags] {
              auto format = parse_format(flags->format, "--format");
              if (!format) {
                return report_error(format.error());
              }
              auto run = load_digested_run(flags->db, flags->run);
              if (!run) {
                return report_error(run.error());
              }
              if (auto shown = write_run(std::cout, *run, *format, flags->db); !shown) {
                return report_error(shown.error());
              }
              return 0;
            };
          }};
}

} // namespace evalgate::cli
