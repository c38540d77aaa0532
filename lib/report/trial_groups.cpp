#include "report/trial_groups.hpp"

#include <algorithm>
#include <map>

#include "stats/summary.hpp"

namespace evalgate::report_detail {

bool CaseGroup::has_error() const
{
  return std::any_of(trials.begin(), trials.end(), [](const ScoredTrial* t) {
    return !t->trial.ok() ||
           std::any_of(t->scores.begin(), t->scores.end(), [](const Score& s) { return s.errored(); });
  });
}

bool CaseGroup::has_failure() const
{
  return std::any_of(trials.begin(), trials.end(), [](const ScoredTrial* t) {
    return std::any_of(t->scores.begin(), t->scores.end(), [](const Score& s) { return !s.errored() && !s.pass; });
  });
}

std::vector<CandidateGroups> group_trials(const RunData& run)
{
  std::map<std::string, std::size_t> case_rank;
  for (const Case& c : run.cases) {
    case_rank.emplace(c.id, case_rank.size());
  }
  std::vector<CandidateGroups> out;
  for (const std::string& candidate : candidate_order(run)) {
    CandidateGroups groups{candidate, {}};
    std::map<std::string, std::size_t> index;
    for (const ScoredTrial& scored : run.trials) {
      if (scored.trial.candidate_id != candidate) {
        continue;
      }
      auto [it, inserted] = index.emplace(scored.trial.case_id, groups.cases.size());
      if (inserted) {
        groups.cases.push_back({candidate, scored.trial.case_id, {}});
      }
      groups.cases[it->second].trials.push_back(&scored);
    }
    for (CaseGroup& group : groups.cases) {
      std::stable_sort(group.trials.begin(), group.trials.end(), [](const ScoredTrial* a, const ScoredTrial* b) {
        return a->trial.repeat_index < b->trial.repeat_index;
      });
    }
    const auto rank = [&](const CaseGroup& g) {
      auto found = case_rank.find(g.case_id);
      return found == case_rank.end() ? case_rank.size() : found->second;
    };
    std::stable_sort(groups.cases.begin(), groups.cases.end(),
                     [&](const CaseGroup& a, const CaseGroup& b) { return rank(a) < rank(b); });
    out.push_back(std::move(groups));
  }
  return out;
}

} // namespace evalgate::report_detail
