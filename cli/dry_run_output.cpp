#include "dry_run_output.hpp"

#include <fmt/format.h>

namespace evalgate::cli {

namespace {

std::string usd(const std::optional<double>& cost)
{
  return cost ? fmt::format("${:.4f}", *cost) : "unknown";
}

} // namespace

void write_dry_run(std::ostream& out, const DryRunPlan& plan)
{
  out << fmt::format("dry run: {} prompt(s) x {} provider(s) x {} case(s) x {} repeat(s) = {} trials\n",
                     plan.prompts, plan.providers, plan.cases, plan.repeat, plan.trials);
  out << fmt::format("judge calls: {:.2f} per trial, about {} in all (not priced below)\n",
                     plan.judge_calls_per_trial, plan.judge_calls);
  bool default_completion = false;
  for (const DryRunCandidate& c : plan.candidates) {
    default_completion = default_completion || c.default_completion;
    out << fmt::format("  {}{}: {} trials, ~{} tokens in, ~{} out{}, est. cost {}\n", c.candidate_id,
                       c.model.empty() ? "" : " (" + c.model + ")", c.trials, c.prompt_tokens,
                       c.completion_tokens, c.default_completion ? "*" : "", usd(c.cost_usd));
  }
  out << fmt::format("estimated total: ${:.4f}", plan.known_cost_usd);
  if (plan.unknown_cost_candidates > 0) {
    out << fmt::format(" + {} candidate(s) of unknown price (add `pricing:` or --pricing)",
                       plan.unknown_cost_candidates);
  }
  out << "\n";
  out << "tokens in = rendered prompt characters / 4";
  if (default_completion) {
    out << fmt::format("; * no max_tokens param: {} tokens out per trial assumed",
                       k_dry_run_completion_tokens);
  }
  out << "\nno request was sent and no run was written\n";
}

} // namespace evalgate::cli
