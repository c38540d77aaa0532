#pragma once
// stats/agreement: how well two raters agree — pass/fail agreement with its confusion matrix and
// Cohen's kappa, and Spearman's rank correlation of scores (ties get average ranks, so it is
// Pearson's r on the ranks). Used by judge calibration. Pure functions; thread-safe. May use: core.

#include <cstdint>
#include <optional>
#include <vector>

namespace evalgate {

// Rows = the reference rater (a person), columns = the rater under test (a judge).
struct ConfusionMatrix {
  std::int64_t both_pass = 0; // human pass, judge pass
  std::int64_t human_pass_judge_fail = 0;
  std::int64_t human_fail_judge_pass = 0;
  std::int64_t both_fail = 0;

  std::int64_t n() const { return both_pass + human_pass_judge_fail + human_fail_judge_pass + both_fail; }
};

struct BinaryAgreement {
  ConfusionMatrix matrix;
  double agreement = 0; // observed agreement p_o; 0 when n = 0
  std::optional<double>
      kappa; // (p_o - p_e) / (1 - p_e); nullopt when p_e = 1 (both raters constant and equal) or n = 0
};

// `human` and `judge` have equal lengths (extra elements of the longer are ignored).
BinaryAgreement binary_agreement(const std::vector<bool>& human, const std::vector<bool>& judge);

// 1-based ranks, ties sharing the average of their positions: {10, 20, 20, 30} → {1, 2.5, 2.5, 4}.
std::vector<double> average_ranks(const std::vector<double>& values);

// Spearman's rho; nullopt when fewer than 2 pairs or either side is constant.
std::optional<double> spearman(const std::vector<double>& x, const std::vector<double>& y);

} // namespace evalgate
