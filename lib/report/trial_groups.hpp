#pragma once
// report/trial_groups: a run's trials grouped per candidate × case (repeats together), in
// candidate order then case order: the unit JUnit, CSV and the HTML drill-down report on.
// Internal to report/. May use: core, stats.

#include <string>
#include <vector>

#include "core/types.hpp"

namespace evalgate::report_detail {

struct CaseGroup {
  std::string candidate_id;
  std::string case_id;
  std::vector<const ScoredTrial*> trials; // by repeat index

  // Any trial failed (no output), or any score errored.
  bool has_error() const;
  // Some score of some trial did not pass (errored scores excluded).
  bool has_failure() const;
};

struct CandidateGroups {
  std::string candidate_id;
  std::vector<CaseGroup> cases;
};

// Every trial of `run` lands in exactly one group; cases not among run.cases come after the
// known ones in first-seen order.
std::vector<CandidateGroups> group_trials(const RunData& run);

} // namespace evalgate::report_detail
