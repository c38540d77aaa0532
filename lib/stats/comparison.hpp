#pragma once
// stats/comparison: pairwise comparison of two sides (two runs, or two candidates of one run)
// over the cases they share, per metric. Side A is the reference (older run, baseline), side B
// the challenger; every delta is B − A. Definitions in docs/gate.md. May use: core.

#include <cstdint>
#include <string>
#include <vector>

#include "stats/case_values.hpp"
#include "stats/intervals.hpp"

namespace evalgate {

struct CaseDelta {
  std::string case_id;
  CaseValue a;
  CaseValue b;
  double delta = 0; // b.value - a.value
};

struct MetricComparison {
  std::string metric;
  std::int64_t shared = 0; // cases scored on both sides
  double mean_a = 0;       // over shared cases
  double mean_b = 0;
  double delta = 0;        // mean_b - mean_a
  Interval delta_interval; // paired bootstrap, two-sided at the comparison's confidence
  double p_value = 1;      // paired bootstrap, two-sided, H0: delta = 0
  double pass_rate_a = 0;  // over shared cases
  double pass_rate_b = 0;
  std::int64_t pass_to_fail = 0; // discordant pairs: passed on A, failed on B
  std::int64_t fail_to_pass = 0;
  double mcnemar_p = 1;
  std::int64_t wins = 0; // B's value higher than A's
  std::int64_t ties = 0;
  std::int64_t losses = 0;
  std::vector<std::string> only_a; // scored on A only (absent on B, or all of B's scores errored)
  std::vector<std::string> only_b;
  std::vector<CaseDelta> regressed; // most regressed first, at most `top`, delta < 0 only
  std::vector<CaseDelta> improved;  // most improved first, at most `top`, delta > 0 only
};

struct CompareOptions {
  std::uint64_t seed = 42;
  int resamples = k_default_resamples;
  double confidence = 0.95;
  std::size_t top = 5;
};

// One entry per metric present on either side, in metric-name order. A metric on one side only
// has shared == 0 and every case listed in only_a / only_b.
std::vector<MetricComparison> compare_cases(const MetricCases& a, const MetricCases& b,
                                            const CompareOptions& options);

// The paired differences base − current over shared cases, case-id order; the building block of
// the gate's max_drop.
struct PairedDrop {
  std::vector<double> drops;
  std::vector<std::string> only_base;
  std::vector<std::string> only_current;
};
PairedDrop paired_drops(const std::map<std::string, CaseValue>& base,
                        const std::map<std::string, CaseValue>& current);

} // namespace evalgate
