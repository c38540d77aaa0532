#pragma once
// Hand-built RunData for stats tests: no store involved.

#include <string>
#include <utility>
#include <vector>

#include "core/types.hpp"

namespace evalgate::test {

inline Score score(std::string metric, double value, bool pass, std::string error = {})
{
  Score s;
  s.metric = std::move(metric);
  s.value = value;
  s.pass = pass;
  s.error = std::move(error);
  return s;
}

inline ScoredTrial ok_trial(std::string candidate, std::string case_id, std::vector<Score> scores,
                            double latency_ms = 100)
{
  ScoredTrial t;
  t.trial.candidate_id = std::move(candidate);
  t.trial.case_id = std::move(case_id);
  t.trial.output = "out";
  t.trial.latency_ms = latency_ms;
  t.trial.attempts = 1;
  t.scores = std::move(scores);
  return t;
}

inline ScoredTrial failed_trial(std::string candidate, std::string case_id,
                                FailureKind kind = FailureKind::rate_limited,
                                std::string error = "HTTP 429: slow down")
{
  ScoredTrial t;
  t.trial.candidate_id = std::move(candidate);
  t.trial.case_id = std::move(case_id);
  t.trial.failure = kind;
  t.trial.error = std::move(error);
  t.trial.attempts = 5;
  return t;
}

inline RunData run_with(std::vector<std::string> candidate_ids)
{
  RunData run;
  run.info.id = "r1";
  run.info.suite_name = "demo";
  for (std::string& id : candidate_ids) {
    const auto slash = id.find('/');
    run.info.candidates.push_back({id, id.substr(0, slash), id.substr(slash + 1)});
  }
  return run;
}

// n pass/fail scores of one metric: `passes` pass with value 1, the rest fail with value 0.
inline void add_pass_fail(RunData& run, const std::string& candidate, const std::string& metric,
                          int n, int passes)
{
  for (int i = 0; i < n; ++i) {
    const bool pass = i < passes;
    run.trials.push_back(
        ok_trial(candidate, "c" + std::to_string(i), {score(metric, pass ? 1.0 : 0.0, pass)}));
  }
}

} // namespace evalgate::test
