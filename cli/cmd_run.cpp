#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>

#include "baseline_source.hpp"
#include "command.hpp"
#include "dry_run_output.hpp"
#include "engine/dry_run.hpp"
#include "engine/runner.hpp"
#include "progress_printer.hpp"
#include "run_output.hpp"
#include "suite/suite_loader.hpp"

namespace evalgate::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int)
{
  g_stop.store(true);
  // A second Ctrl-C kills at once.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

struct RunFlags {
  std::string suite;
  std::string db = k_default_db;
  std::string resume;
  int concurrency = 0;
  std::uint64_t seed = 42;
  std::vector<std::string> out;
  std::string format = "table";
  std::string baseline;
  bool no_progress = false;
  std::string shard;
  std::string cache = "read-write";
  std::string pricing;
  std::optional<double> max_cost;
  bool dry_run = false;
};

// With --resume and no suite file, the suite recorded with the run is loaded again.
Result<std::string> suite_path_for(const RunFlags& flags)
{
  if (!flags.suite.empty() || flags.resume.empty()) {
    return flags.suite;
  }
  auto run = load_stored_header(flags.db, flags.resume);
  if (!run) {
    return fail(run.error());
  }
  return run->info.suite_path;
}

int execute(const RunFlags& flags)
{
  auto format = parse_format(flags.format, "--format");
  if (!format) {
    return report_error(format.error());
  }
  if (auto ok = check_out_paths(flags.out); !ok) {
    return report_error(ok.error());
  }
  auto path = suite_path_for(flags);
  if (!path) {
    return report_error(path.error());
  }
  auto suite = load_suite(*path);
  if (!suite) {
    return report_error(suite.error());
  }
  auto cache_mode = cache_mode_from_name(flags.cache);
  if (!cache_mode) {
    return report_error(Error{ErrorCategory::usage, {},
                              "--cache must be one of read-write, read-only, off, replay (got '" + flags.cache + "')"});
  }
  if (flags.dry_run) {
    auto plan = plan_dry_run(*suite, flags.pricing);
    if (!plan) {
      return report_error(plan.error());
    }
    write_dry_run(std::cout, *plan);
    return 0;
  }

  // Resolved before the run exists, so `latest` is the previous run.
  std::optional<CaseTable> baseline;
  if (!flags.baseline.empty()) {
    auto loaded = load_baseline(flags.baseline, flags.db, flags.resume);
    if (!loaded) {
      return report_error(loaded.error());
    }
    baseline = std::move(loaded).value();
  }

  RunOptions options;
  if (!flags.shard.empty()) {
    auto shard = parse_shard(flags.shard);
    if (!shard) {
      return report_error(shard.error());
    }
    options.shard = *shard;
  }
  options.baseline = baseline ? &*baseline : nullptr;
  options.db_path = flags.db;
  options.resume_run_id = flags.resume;
  options.concurrency = flags.concurrency;
  options.seed = flags.seed;
  options.stop_requested = &g_stop;
  options.cache_mode = *cache_mode;
  options.pricing_file = flags.pricing;
  options.max_cost_usd = flags.max_cost;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);

  ProgressPrinter printer;
  RunObserver silent;
  const bool show_progress = !flags.no_progress && progress_wanted();
  auto outcome = run_suite(*suite, options, show_progress ? static_cast<RunObserver&>(printer) : silent);
  if (!outcome) {
    return report_error(outcome.error());
  }

  // A gated run comes back as stored; only an unfinished one is read from the store.
  auto run =
      outcome->run ? Result<DigestedRun>(std::move(*outcome->run)) : load_digested_run(flags.db, outcome->run_id);
  if (!run) {
    return report_error(run.error());
  }
  if (auto shown = write_run(std::cout, *run, *format, flags.db); !shown) {
    return report_error(shown.error());
  }
  std::cout.flush();
  if (auto written = write_run_files(flags.out, *run, flags.db); !written) {
    return report_error(written.error());
  }
  if (auto published = publish_to_ci(*run, flags.db); !published) {
    return report_error(published.error());
  }
  if (outcome->verdict == RunVerdict::interrupted) {
    std::cerr << "evalgate: interrupted; " << outcome->progress.done << " trials of this invocation stored. "
              << "Resume with: evalgate run --resume " << outcome->run_id
              << (flags.db == k_default_db ? "" : " --db " + flags.db) << "\n";
  } else if (outcome->budget_exhausted) {
    std::cerr << "evalgate: " << outcome->infrastructure_message << "; the run is incomplete and not gated. "
              << "Finish it with: evalgate run --resume " << outcome->run_id
              << (flags.db == k_default_db ? "" : " --db " + flags.db) << " --max-cost <more>\n";
  } else if (outcome->verdict == RunVerdict::infrastructure_failed) {
    std::cerr << "evalgate: infrastructure failure: " << outcome->infrastructure_message << "\n";
  }
  return exit_code_for(outcome->verdict);
}

} // namespace

Command run_command()
{
  return {"run", "Run a suite: call every candidate on every case, score, store, gate", [](CLI::App& app) {
            auto flags = std::make_shared<RunFlags>();
            app.add_option("suite", flags->suite, "Suite file (default: evalgate.yaml|.yml|.json here)");
            app.add_option("--db", flags->db, "SQLite database for runs")->capture_default_str();
            app.add_option("--resume", flags->resume,
                           "Continue an interrupted run: run only its missing and failed trials (RUN_ID or latest)");
            app.add_option("--concurrency,-j", flags->concurrency, "Trials in flight (default: the suite's)")
              ->check(CLI::PositiveNumber);
            app.add_option("--seed", flags->seed, "Seed for every random choice, stored with the run")
              ->capture_default_str();
            app.add_option("--out,-o", flags->out,
                           "Also write the run to FILE, format by extension: .json .xml (JUnit) .md .html .csv "
                           ".txt (repeatable)");
            app.add_option("--format", flags->format, "stdout report: table, json, junit, markdown, html or csv")
              ->capture_default_str();
            app.add_option("--baseline", flags->baseline,
                           "Baseline for max_drop gate rules: RUN_ID, latest, or a baseline FILE");
            app.add_flag("--no-progress", flags->no_progress, "No live progress line on stderr");
            app.add_option("--shard", flags->shard,
                           "Run only shard I of N (cases k with k mod N = I-1); combine with evalgate merge");
            app.add_option("--cache", flags->cache,
                           "Response cache in the --db: read-write, read-only, off, or replay (a miss is an error; "
                           "for key-less CI)")
              ->capture_default_str();
            app.add_option("--pricing", flags->pricing,
                           "Price FILE (evalgate or LiteLLM model_prices JSON) over the built-in table");
            app.add_option("--max-cost", flags->max_cost,
                           "Stop admitting trials once the run's known spend reaches USD (exit 3, resumable)")
              ->check(CLI::NonNegativeNumber);
            app.add_flag("--dry-run", flags->dry_run,
                         "Validate and print the matrix, estimated tokens and cost; send nothing, store nothing");
            return [flags] { return execute(*flags); };
          }};
}

} // namespace evalgate::cli
