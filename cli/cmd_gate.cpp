#include <iostream>
#include <memory>

#include "baseline_source.hpp"
#include "command.hpp"
#include "run_output.hpp"
#include "stats/summary.hpp"
#include "store/store.hpp"
#include "suite/suite_loader.hpp"

namespace evalgate::cli {

namespace {

struct GateFlags {
  std::string run = "latest";
  std::string db = k_default_db;
  std::string suite;
  std::string baseline;
  std::string format = "table";
};

int execute(const GateFlags& flags)
{
  auto format = parse_format(flags.format, "--format");
  if (!format) {
    return report_error(format.error());
  }
  auto run = load_digested_run(flags.db, flags.run);
  if (!run) {
    return report_error(run.error());
  }
  // The rules come from the suite file (by default the one the run was made from), so a rule
  // added or tightened since can be tried on past runs.
  auto suite = load_suite(flags.suite.empty() ? run->run.info.suite_path : flags.suite);
  if (!suite) {
    return report_error(suite.error());
  }
  std::optional<CaseTable> baseline;
  if (!flags.baseline.empty()) {
    auto loaded = load_baseline(flags.baseline, flags.db, run->run.info.id);
    if (!loaded) {
      return report_error(loaded.error());
    }
    baseline = std::move(loaded).value();
  }
  GateOptions options;
  options.baseline = baseline ? &*baseline : nullptr;
  const GateVerdict verdict = evaluate_gate(suite->gate, run->digest, options);
  {
    auto store = Store::open(flags.db);
    if (!store) {
      return report_error(store.error());
    }
    if (auto saved = (*store)->save_gate(run->run.info.id, verdict.passed ? "pass" : "fail", verdict.results);
        !saved) {
      return report_error(saved.error());
    }
  }
  // The trials did not change: only the header is read again, for the verdict just saved.
  auto header = load_stored_header(flags.db, run->run.info.id);
  if (!header) {
    return report_error(header.error());
  }
  run->run = std::move(header).value();
  if (auto shown = write_run(std::cout, *run, *format, flags.db); !shown) {
    return report_error(shown.error());
  }
  if (auto published = publish_to_ci(*run, flags.db); !published) {
    return report_error(published.error());
  }
  return verdict.passed ? 0 : 1;
}

} // namespace

Command gate_command()
{
  return {"gate", "Re-judge a stored run against the suite's gate rules (exit 0 pass, 1 fail)",
          [](CLI::App& app) {
            auto flags = std::make_shared<GateFlags>();
            app.add_option("run", flags->run, "Run id, or latest")->capture_default_str();
            app.add_option("--db", flags->db, "SQLite database for runs")->capture_default_str();
            app.add_option("--suite", flags->suite, "Suite file whose gate rules apply (default: the run's)");
            app.add_option(
                "--baseline", flags->baseline,
                "Baseline for max_drop rules: RUN_ID, latest (the run before), or a baseline FILE");
            app.add_option("--format", flags->format, "table, json, junit, markdown, html or csv")
              ->capture_default_str();
            return [flags] { return execute(*flags); };
          }};
}

} // namespace evalgate::cli
