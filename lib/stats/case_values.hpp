#pragma once
// stats/case_values: a run (or a baseline file) reduced to one value per candidate × metric ×
// case, which is what pairing, baselines and flakiness work on. With repeats, a case's value is
// the mean over its repeats. May use: core.

#include <cstdint>
#include <map>
#include <string>

#include "core/types.hpp"

namespace evalgate {

struct CaseValue {
  double value = 0;  // mean over the non-errored repeats (meaningless when scored == 0)
  bool pass = false; // every repeat passed: none failed, none errored
  int scored = 0;    // non-errored repeats
  int passes = 0;
  int errors = 0;     // errored repeats (an errored score never passes)
  std::string output; // the first repeat's output; empty when read from a baseline file
  std::string reason; // the first failing repeat's reason, else the first repeat's

  int repeats() const { return scored + errors; }
  // Pass/fail differs across repeats.
  bool flaky() const { return repeats() >= 2 && passes > 0 && passes < repeats(); }
};

// metric → case id → value. std::map so every listing and file is in a stable, sorted order.
using MetricCases = std::map<std::string, std::map<std::string, CaseValue>>;

struct CaseTable {
  std::string source;                            // run id, or the baseline file's path
  std::uint64_t seed = 0;                        // the run's seed
  std::map<std::string, MetricCases> candidates; // candidate id → metrics
};

// Every scored trial of `run`; failed trials carry no scores and are left out (the gate's
// max_error_rate sees them).
CaseTable case_table(const RunData& run);

} // namespace evalgate
