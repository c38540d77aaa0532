#include <iostream>
#include <memory>

#include "command.hpp"
#include "engine/calibrate.hpp"
#include "suite/suite_loader.hpp"

namespace evalgate::cli {

namespace {

struct CalibrateFlags {
  std::string labels;
  std::string evaluator;
  std::string suite;
  std::string format = "text";
};

int calibrate(const CalibrateFlags& flags)
{
  if (flags.format != "text" && flags.format != "json") {
    return report_error(
        make_error(ErrorCategory::usage, "--format must be text or json, got '" + flags.format + "'"));
  }
  auto suite = load_suite(flags.suite);
  if (!suite) {
    return report_error(suite.error());
  }
  auto report = run_calibration(*suite, {flags.labels, flags.evaluator});
  if (!report) {
    return report_error(report.error());
  }
  if (flags.format == "json") {
    std::cout << calibration_json(*report).dump(2) << "\n";
  } else {
    std::cout << calibration_text(*report);
  }
  return 0;
}

} // namespace

Command judge_command()
{
  return {"judge", "Judge tools: `judge calibrate` measures a judge's agreement with human labels",
          [](CLI::App& app) {
            app.require_subcommand(1);
            auto flags = std::make_shared<CalibrateFlags>();
            CLI::App* sub = app.add_subcommand(
                "calibrate",
                "Run a suite's evaluator over human-labelled examples; report agreement, Cohen's kappa "
                "(pass/fail), Spearman (scores) and the confusion matrix");
            sub->add_option(
                   "--labels", flags->labels,
                   "Labelled examples (JSONL/CSV/JSON/YAML rows: case vars, output, label pass|fail, score)")
                ->required();
            sub->add_option("--evaluator", flags->evaluator, "Name of the suite evaluator to calibrate")
                ->required();
            sub->add_option("--suite", flags->suite, "Suite file (default: evalgate.yaml|.yml|.json here)");
            sub->add_option("--format", flags->format, "text or json")->capture_default_str();
            return [flags] { return calibrate(*flags); };
          }};
}

} // namespace evalgate::cli
