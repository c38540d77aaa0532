#pragma once
// stats/run_comparison: `evalgate compare`'s data. Two runs (candidate by candidate, matched by
// id) or two named candidates (both in one run, or the first in run A and the second in run B),
// each pair compared over shared cases (stats/comparison.hpp) with cost and latency beside it.
// Side A is the reference, B the challenger. May use: core.

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "stats/comparison.hpp"
#include "stats/run_stats.hpp"

namespace evalgate {

struct ComparisonSection {
  std::string candidate_a;
  std::string candidate_b;
  std::vector<MetricComparison> metrics;
  CandidateStats stats_a;
  CandidateStats stats_b;
};

struct RunComparison {
  std::string run_a;
  std::string run_b;
  std::uint64_t seed = 0; // the bootstrap's: run B's stored seed
  int resamples = k_default_resamples;
  std::vector<ComparisonSection> sections;
  std::vector<std::string> only_a_candidates; // run comparison: candidates of A missing from B
  std::vector<std::string> only_b_candidates;
  std::vector<std::string> warnings; // e.g. the runs were scored with different evaluator settings
};

// `candidates` empty: every candidate id present in both runs, in A's order; else exactly two
// ids, the first looked up in `a`, the second in `b` (pass the same run twice to compare two
// candidates of one run). Errors (usage): a named candidate missing from its run, naming the
// candidates it has. options.seed is replaced by b's stored seed.
Result<RunComparison> compare_runs(const RunData& a, const RunData& b,
                                   const std::vector<std::string>& candidates, CompareOptions options);

} // namespace evalgate
