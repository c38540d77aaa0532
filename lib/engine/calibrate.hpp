#pragma once
// engine/calibrate: runs one evaluator of a suite (usually a judge) over human-labelled examples
// and measures how well it agrees with the people, before anyone gates on it
// (`evalgate judge calibrate`). The labels file is a dataset (JSONL, CSV, JSON, YAML) whose rows
// hold the case vars plus `output` (the text to grade), and `label` (pass/fail, true/false) and/or
// `score` (a number on any scale: only its ranks matter). Rows are scored concurrently (bounded by
// the suite's concurrency) through the suite's judges. Errored scores are counted and left out
// of the statistics.

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "stats/agreement.hpp"

namespace evalgate {

struct CalibrationOptions {
  std::string labels_path;
  std::string evaluator; // the metric name of one of the suite's evaluators
};

struct CalibrationRow {
  std::string case_id;
  std::optional<bool> human_pass;
  std::optional<double> human_score;
  Score score;
};

struct CalibrationReport {
  std::string evaluator;
  std::string labels_path;
  std::vector<CalibrationRow> rows;
  std::int64_t errored = 0;
  std::optional<BinaryAgreement> pass_fail; // over rows with a label and a non-errored score
  std::optional<double> spearman;           // over rows with a score and a non-errored score
  std::int64_t score_pairs = 0;
  double judge_cost_usd = 0;
};

// Errors: unknown evaluator (config, listing the suite's evaluator names), a labels row without
// `output` or without both `label` and `score`, or a label that is not pass/fail (data, at the row).
Result<CalibrationReport> run_calibration(const Suite& suite, const CalibrationOptions& options);

// The report as JSON (`--format json`): evaluator, n, errored, agreement, kappa, confusion, spearman.
Json calibration_json(const CalibrationReport& report);

// The report for a terminal: agreement, kappa, the confusion matrix, Spearman.
std::string calibration_text(const CalibrationReport& report);

} // namespace evalgate
