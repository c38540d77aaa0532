#include "engine/run_checks.hpp"

#include <cstdio>
#include <map>

namespace evalgate {

Result<void> check_resumable(const RunData& stored, const Suite& suite, const std::vector<Candidate>& candidates)
{
  std::vector<std::string> stored_ids;
  for (const auto& c : stored.info.candidates) {
    stored_ids.push_back(c.id);
  }
  std::vector<std::string> ids;
  for (const auto& c : candidates) {
    ids.push_back(c.id);
  }
  if (stored_ids != ids) {
    return fail(ErrorCategory::usage, "cannot resume run " + stored.info.id +
                                          ": the suite's candidates changed since it started");
  }
  if (stored.cases.size() != suite.cases.size()) {
    return fail(ErrorCategory::usage, "cannot resume run " + stored.info.id + ": the run has " +
                                          std::to_string(stored.cases.size()) + " cases, the suite now has " +
                                          std::to_string(suite.cases.size()));
  }
  for (std::size_t i = 0; i < suite.cases.size(); ++i) {
    if (stored.cases[i].id != suite.cases.id(i)) {
      return fail(ErrorCategory::usage, "cannot resume run " + stored.info.id + ": case " + std::to_string(i + 1) +
                                            " was '" + stored.cases[i].id + "', is now '" +
                                            std::string(suite.cases.id(i)) + "'");
    }
  }
  if (stored.info.repeat != suite.repeat) {
    return fail(ErrorCategory::usage, "cannot resume run " + stored.info.id + ": repeat changed from " +
                                          std::to_string(stored.info.repeat) + " to " + std::to_string(suite.repeat));
  }
  return {};
}

std::string infrastructure_problem(const RunData& run, double max_error_rate)
{
  return infrastructure_problem(digest_of(run), max_error_rate);
}

std::string infrastructure_problem(const RunDigest& run, double max_error_rate)
{
  const std::int64_t trials = run.trial_count();
  std::int64_t failed = 0;
  std::map<std::string, std::int64_t> errors;
  for (const ErrorTally& tally : run.errors()) {
    if (tally.kind != FailureKind::none) {
      failed += tally.count;
      errors[tally.message] += tally.count;
    }
  }
  if (trials == 0 || static_cast<double>(failed) / static_cast<double>(trials) <= max_error_rate) {
    return {};
  }
  std::string common;
  std::int64_t best = 0;
  for (const auto& [message, count] : errors) {
    if (count > best) {
      best = count;
      common = message;
    }
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.1f%%", 100.0 * static_cast<double>(failed) / static_cast<double>(trials));
  char limit[32];
  std::snprintf(limit, sizeof limit, "%.2f", max_error_rate);
  return std::string(rate) + " of trials failed (" + std::to_string(failed) + "/" + std::to_string(trials) +
         ", max_error_rate " + limit + "); most common error (" + std::to_string(best) + "x): " + common;
}

} // namespace evalgate
