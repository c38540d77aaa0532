#include "suite/suite_sections.hpp"

#include <algorithm>
#include <map>

#include "evaluators/registry.hpp"
#include "suite/mapping_reader.hpp"
#include "suite/suggest.hpp"
#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

namespace {

// An evaluator may name the judge it calls (`provider: grader`); a typo there would otherwise
// surface only on the first request.
Result<void> check_judge_reference(const EvaluatorSpec& spec, const std::vector<ProviderSpec>& suite_judges)
{
  auto provider = spec.config.find("provider");
  if (provider == spec.config.end() || !provider->is_string()) {
    return {};
  }
  const std::string id = provider->get<std::string>();
  std::vector<std::string> judges;
  for (const auto& judge : suite_judges) {
    judges.push_back(judge.id);
  }
  if (std::find(judges.begin(), judges.end(), id) != judges.end()) {
    return {};
  }
  std::string message = "evaluator '" + spec.name + "' names provider '" + id + "', which is not a judge";
  if (judges.empty()) {
    message += "; declare it under 'judges:'";
  } else {
    if (auto guess = nearest(id, judges)) {
      message += ", did you mean '" + *guess + "'?";
    }
    message += " judges: " + join(judges);
  }
  return fail(ErrorCategory::config, std::move(message), spec.location);
}

Result<void> check_unique_names(const std::vector<EvaluatorSpec>& specs, const std::string& owner)
{
  for (std::size_t i = 0; i < specs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (specs[j].name == specs[i].name) {
        return fail(ErrorCategory::config,
                    "two evaluators of " + owner + " are both named '" + specs[i].name +
                      "' (first at " + specs[j].location.str() + "); give one a distinct 'name'",
                    specs[i].location);
      }
    }
  }
  return {};
}

} // namespace

EvaluatorContext validation_context(const std::vector<ProviderSpec>& judges, const std::string& base_dir)
{
  EvaluatorContext context;
  for (const auto& judge : judges) {
    context.judge_ids.push_back(judge.id);
  }
  context.base_dir = base_dir;
  return context;
}

Result<std::vector<EvaluatorSpec>> parse_evaluators(const SuiteFile& file, const YAML::Node& node,
                                                    const std::vector<ProviderSpec>& judges)
{
  std::vector<EvaluatorSpec> specs;
  if (!node.IsSequence()) {
    return fail(ErrorCategory::config, "'evaluators' must be a list of {type, ...}, got " + describe(node),
                node_location(file.display, node));
  }
  for (const auto& item : node) {
    const Location at = node_location(file.display, item);
    if (!item.IsMap()) {
      return fail(ErrorCategory::config,
                  "each evaluator must be a mapping with a 'type' (e.g. {type: contains, value: refund}), got " +
                    describe(item),
                  at);
    }
    auto config = to_json(item, file.display, ErrorCategory::config);
    if (!config) {
      return fail(config.error());
    }
    EvaluatorSpec spec;
    spec.location = at;
    auto type = config->find("type");
    if (type == config->end() || !type->is_string() || type->get<std::string>().empty()) {
      return fail(ErrorCategory::config, "each evaluator needs 'type' (an evaluator type; see `evalgate list evaluators`)",
                  at);
    }
    spec.type = type->get<std::string>();
    spec.name = spec.type;
    if (auto name = config->find("name"); name != config->end()) {
      if (!name->is_string() || name->get<std::string>().empty()) {
        return fail(ErrorCategory::config, "evaluator 'name' must be a non-empty string, got " + name->dump(), at);
      }
      spec.name = name->get<std::string>();
    }
    spec.config = std::move(*config);
    if (auto ok = check_judge_reference(spec, judges); !ok) {
      return fail(ok.error());
    }
    auto built = make_evaluator(spec, validation_context(judges, file.base_dir.string()));
    if (!built) {
      return fail(built.error());
    }
    specs.push_back(std::move(spec));
  }
  if (auto ok = check_unique_names(specs, "the suite"); !ok) {
    return fail(ok.error());
  }
  return specs;
}

Result<void> check_evaluators(const Suite& suite)
{
  for (std::size_t ci = 0; ci < suite.cases.size(); ++ci) {
    if (!suite.cases.has_evaluators(ci)) {
      continue; // the suite's own evaluators were checked when they were read
    }
    const Case test_case = suite.cases[ci];
    for (const auto& spec : test_case.evaluators) {
      if (auto ok = check_judge_reference(spec, suite.judges); !ok) {
        return ok;
      }
      auto built = make_evaluator(spec, validation_context(suite.judges, suite.base_dir));
      if (!built) {
        return fail(built.error());
      }
    }
    // A trial is scored by the suite's evaluators and then the case's, so names must be unique
    // across both: two scores with one metric name would overwrite each other in the store.
    std::vector<EvaluatorSpec> all = suite.evaluators;
    all.insert(all.end(), test_case.evaluators.begin(), test_case.evaluators.end());
    if (auto ok = check_unique_names(all, "case '" + test_case.id + "'"); !ok) {
      return ok;
    }
  }
  return {};
}

std::vector<std::string> metric_names(const Suite& suite)
{
  std::vector<std::string> names;
  auto add = [&](const EvaluatorSpec& spec) {
    if (std::find(names.begin(), names.end(), spec.name) == names.end()) {
      names.push_back(spec.name);
    }
  };
  std::for_each(suite.evaluators.begin(), suite.evaluators.end(), add);
  for (std::size_t ci = 0; ci < suite.cases.size(); ++ci) {
    if (suite.cases.has_evaluators(ci)) {
      const Case test_case = suite.cases[ci];
      std::for_each(test_case.evaluators.begin(), test_case.evaluators.end(), add);
    }
  }
  return names;
}

} // namespace evalgate::suite_detail
