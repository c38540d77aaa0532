#include <fstream>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "run_output.hpp"
#include "stats/baseline.hpp"

namespace evalgate::cli {

namespace {

struct BaselineFlags {
  std::string run = "latest";
  std::string db = k_default_db;
  std::string out = "evalgate-baseline.json";
};

int save(const BaselineFlags& flags)
{
  auto run = load_stored_run(flags.db, flags.run);
  if (!run) {
    return report_error(run.error());
  }
  std::ofstream file(flags.out, std::ios::binary | std::ios::trunc);
  if (!file) {
    return report_error(make_error(ErrorCategory::usage, "--out " + flags.out + ": cannot open for writing"));
  }
  write_baseline(file, run->info, case_table(*run));
  file.flush();
  if (!file) {
    return report_error(make_error(ErrorCategory::store, "--out " + flags.out + ": write failed"));
  }
  std::cerr << "evalgate: baseline of run " << run->info.id << " written to " << flags.out << "\n";
  return 0;
}

} // namespace

Command baseline_command()
{
  return {"baseline", "Baseline files: `baseline save RUN --out FILE` writes per-case values to commit",
          [](CLI::App& app) {
            auto flags = std::make_shared<BaselineFlags>();
            app.require_subcommand(1);
            CLI::App* sub =
                app.add_subcommand("save", "Write a run's per-case, per-metric values as a baseline file");
            sub->add_option("run", flags->run, "Run id, or latest")->capture_default_str();
            sub->add_option("--db", flags->db, "SQLite database for runs")->capture_default_str();
            sub->add_option("--out,-o", flags->out, "Baseline file to write")->capture_default_str();
            return [flags] { return save(*flags); };
          }};
}

} // namespace evalgate::cli
