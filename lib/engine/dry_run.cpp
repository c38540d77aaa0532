#include "engine/dry_run.hpp"

#include <map>

#include "core/template.hpp"
#include "engine/client_setup.hpp"
#include "engine/trial_pipeline.hpp"
#include "providers/pricing.hpp"
#include "suite/suite_loader.hpp"

namespace evalgate {

namespace {

std::int64_t estimated_tokens(const Prompt& prompt, const Case& test_case)
{
  std::size_t chars = 0;
  for (const auto& message : prompt.messages) {
    auto text = render_template(message.content, test_case.vars);
    chars += text ? text->size() : message.content.size();
  }
  return static_cast<std::int64_t>((chars + 3) / 4);
}

std::optional<std::int64_t> max_tokens_param(const ProviderSpec& spec)
{
  for (const char* key : {"max_tokens", "max_completion_tokens", "max_output_tokens"}) {
    const auto it = spec.params.find(key);
    if (it != spec.params.end() && it->is_number_integer() && it->get<std::int64_t>() > 0) {
      return it->get<std::int64_t>();
    }
  }
  return std::nullopt;
}

Result<double> judge_calls_per_trial(const Suite& suite)
{
  EvaluatorContext context; // no clients: factories only check references, as at validation
  for (const auto& judge : suite.judges) {
    context.judge_ids.push_back(judge.id);
  }
  context.base_dir = suite.base_dir;
  auto count = [&](const std::vector<EvaluatorSpec>& specs) -> Result<std::int64_t> {
    auto built = build_evaluators(specs, context);
    if (!built) {
      return fail(built.error());
    }
    std::int64_t n = 0;
    for (const auto& bound : *built) {
      n += bound.evaluator->calls_model() ? 1 : 0;
    }
    return n;
  };
  auto defaults = count(suite.evaluators);
  if (!defaults) {
    return fail(defaults.error());
  }
  std::int64_t extra = 0;
  for (std::size_t ci = 0; ci < suite.cases.size(); ++ci) {
    if (!suite.cases.has_evaluators(ci)) {
      continue;
    }
    auto own = count(suite.cases[ci].evaluators);
    if (!own) {
      return fail(own.error());
    }
    extra += *own;
  }
  const double per_case =
      suite.cases.empty() ? 0.0 : static_cast<double>(extra) / static_cast<double>(suite.cases.size());
  return static_cast<double>(*defaults) + per_case;
}

} // namespace

Result<DryRunPlan> plan_dry_run(const Suite& suite, const std::string& pricing_file)
{
  auto user_prices = load_user_pricing(pricing_file);
  if (!user_prices) {
    return fail(user_prices.error());
  }
  DryRunPlan plan;
  plan.prompts = suite.prompts.size();
  plan.providers = suite.providers.size();
  plan.cases = suite.cases.size();
  plan.repeat = suite.repeat;

  std::map<std::string, const Prompt*> prompts;
  for (const auto& prompt : suite.prompts) {
    prompts[prompt.id] = &prompt;
  }
  std::map<std::string, const ProviderSpec*> providers;
  for (const auto& spec : suite.providers) {
    providers[spec.id] = &spec;
  }
  for (const Candidate& candidate : suite_candidates(suite)) {
    const ProviderSpec& spec = *providers.at(candidate.provider_id);
    DryRunCandidate row;
    row.candidate_id = candidate.id;
    row.model = spec.model;
    row.trials = static_cast<std::int64_t>(suite.cases.size()) * suite.repeat;
    auto price = price_for(spec, *user_prices ? &**user_prices : nullptr);
    if (!price) {
      return fail(price.error());
    }
    if (spec.type == "field") {
      row.cost_usd = 0.0; // no call is made
    } else {
      for (const auto& test_case : suite.cases) {
        row.prompt_tokens += estimated_tokens(*prompts.at(candidate.prompt_id), test_case) * suite.repeat;
      }
      const auto max_tokens = max_tokens_param(spec);
      row.default_completion = !max_tokens;
      row.completion_tokens = max_tokens.value_or(k_dry_run_completion_tokens) * row.trials;
      if (*price) {
        row.cost_usd = cost_usd(**price, Usage{row.prompt_tokens, row.completion_tokens, 0, 0});
      }
    }
    plan.trials += row.trials;
    if (row.cost_usd) {
      plan.known_cost_usd += *row.cost_usd;
    } else {
      ++plan.unknown_cost_candidates;
    }
    plan.candidates.push_back(std::move(row));
  }
  auto judges = judge_calls_per_trial(suite);
  if (!judges) {
    return fail(judges.error());
  }
  plan.judge_calls_per_trial = *judges;
  plan.judge_calls = static_cast<std::int64_t>(*judges * static_cast<double>(plan.trials) + 0.5);
  return plan;
}

} // namespace evalgate
