#pragma once
// A small hand-built run for report tests: two candidates, two metrics, failures and a gate.
// Built by hand, never through the store.

#include <string>
#include <utility>
#include <vector>

#include "core/types.hpp"

namespace evalgate::test {

inline Score make_score(std::string metric, double value, bool pass, std::string error = {})
{
  Score s;
  s.metric = std::move(metric);
  s.value = value;
  s.pass = pass;
  s.error = std::move(error);
  return s;
}

inline ScoredTrial make_trial(std::string candidate, std::string case_id, std::vector<Score> scores)
{
  ScoredTrial t;
  t.trial.candidate_id = std::move(candidate);
  t.trial.case_id = std::move(case_id);
  t.trial.output = "Refunds take 5 days.";
  t.trial.latency_ms = 250;
  t.trial.usage = {100, 20, 120};
  t.trial.cost_usd = 0.001;
  t.trial.attempts = 1;
  t.scores = std::move(scores);
  return t;
}

inline ScoredTrial make_failed(std::string candidate, std::string case_id, FailureKind kind,
                               std::string error)
{
  ScoredTrial t;
  t.trial.candidate_id = std::move(candidate);
  t.trial.case_id = std::move(case_id);
  t.trial.failure = kind;
  t.trial.error = std::move(error);
  t.trial.attempts = 5;
  t.trial.cost_usd = 0.0; // a priced model's failed call reported no usage: known to cost nothing
  return t;
}

// v1/good: 4 ok trials (contains 4/4, similarity mean 0.9).
// v1/bad: 2 ok trials (contains 1/2, one errored similarity), 3 failed (2 rate_limited, 1 timeout).
inline RunData sample_run()
{
  RunData run;
  run.info.id = "20240501-abc123";
  run.info.suite_name = "support-bot";
  run.info.suite_path = "examples/evalgate.yaml";
  run.info.status = RunStatus::completed;
  run.info.started_at = "2024-05-01T10:00:00Z";
  run.info.finished_at = "2024-05-01T10:01:00Z";
  run.info.seed = 7;
  run.info.repeat = 1;
  run.info.case_count = 5;
  run.info.trial_count = 10;
  run.info.verdict = "fail";
  run.info.candidates = {{"v1/good", "v1", "good"}, {"v1/bad", "v1", "bad"}};
  for (int i = 0; i < 4; ++i) {
    run.trials.push_back(
        make_trial("v1/good", "case-" + std::to_string(i),
                   {make_score("contains", 1, true), make_score("similarity", 0.9, true)}));
  }
  run.trials.push_back(make_trial(
      "v1/bad", "case-0", {make_score("contains", 1, true), make_score("similarity", 0.5, false)}));
  run.trials.push_back(
      make_trial("v1/bad", "case-1",
                 {make_score("contains", 0, false),
                  make_score("similarity", 0, false, "embedding call failed: HTTP 500")}));
  run.trials.push_back(
      make_failed("v1/bad", "case-2", FailureKind::rate_limited, "HTTP 429: Rate limit reached"));
  run.trials.push_back(
      make_failed("v1/bad", "case-3", FailureKind::rate_limited, "HTTP 429: Rate limit reached"));
  run.trials.push_back(
      make_failed("v1/bad", "case-4", FailureKind::timeout, "request timed out after 60000 ms"));

  GateResult good;
  good.metric = "contains";
  good.candidate_id = "v1/good";
  good.check = "min_pass_rate";
  good.observed = 1.0;
  good.limit = 0.95;
  good.passed = true;
  good.message = "contains pass rate 1.000 >= 0.950 on v1/good";
  GateResult bad = good;
  bad.candidate_id = "v1/bad";
  bad.observed = 0.5;
  bad.passed = false;
  bad.message = "contains pass rate 0.500 < 0.950 on v1/bad";
  run.gate_results = {good, bad};
  return run;
}

} // namespace evalgate::test
