#pragma once
// engine/run_checks: judgements about a run as a whole — can a stored run be resumed with this
// suite, and did too many trials fail for its scores to be evidence.

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "stats/run_digest.hpp"

namespace evalgate {

// The suite must still have the run's candidates, cases (same ids, same order) and repeat.
Result<void> check_resumable(const RunData& stored, const Suite& suite, const std::vector<Candidate>& candidates);

// Empty when the failed-trial rate is within max_error_rate; else why the run is an
// infrastructure failure, with the most common error.
std::string infrastructure_problem(const RunData& run, double max_error_rate);
// The same from a run's digest (what run_suite uses: no trial held in memory).
std::string infrastructure_problem(const RunDigest& run, double max_error_rate);

} // namespace evalgate
