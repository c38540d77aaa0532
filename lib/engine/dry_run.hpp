#pragma once
// engine/dry_run: what `evalgate run --dry-run` shows before anything is spent: the matrix size,
// judge calls per trial and an estimate of tokens and cost per candidate. Builds no client, reads
// no API key, sends no request and writes no run. May use: suite, evaluators, providers, core.
//
// Estimate: prompt tokens = characters of the rendered prompt / 4 (a prompt that does not render
// counts its template); completion tokens = the provider's max_tokens (or max_completion_tokens,
// max_output_tokens) param, else k_dry_run_completion_tokens. Both are per trial, times repeats.
// Cost uses the same prices as a run (pricing:, --pricing, the shipped table); `field` providers
// make no call and cost 0; judge calls are counted but not priced.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

inline constexpr std::int64_t k_dry_run_completion_tokens = 256;

struct DryRunCandidate {
  std::string candidate_id;
  std::string model;
  std::int64_t trials = 0;
  std::int64_t prompt_tokens = 0;     // estimated, all trials
  std::int64_t completion_tokens = 0; // estimated, all trials
  bool default_completion = false;    // no max_tokens param: k_dry_run_completion_tokens per trial
  std::optional<double> cost_usd;     // nullopt: the model has no known price
};

struct DryRunPlan {
  std::size_t prompts = 0;
  std::size_t providers = 0;
  std::size_t cases = 0;
  int repeat = 1;
  std::int64_t trials = 0;
  double judge_calls_per_trial = 0; // evaluators that call a model, averaged over cases
  std::int64_t judge_calls = 0;
  std::vector<DryRunCandidate> candidates;
  double known_cost_usd = 0;
  std::int64_t unknown_cost_candidates = 0;
};

// Errors: a bad `pricing:` option (config, at the provider) or an unreadable --pricing file.
Result<DryRunPlan> plan_dry_run(const Suite& suite, const std::string& pricing_file);

} // namespace evalgate
