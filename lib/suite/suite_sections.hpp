#pragma once
// suite/suite_sections: one parser per section of the suite file, called in order by load_suite
// (suite_loader.cpp), plus the cross-checks that need the whole suite. Every error is category
// config at "file:line:col" of the suite file unless it concerns dataset content (category data).
// Internal to the suite module.

#include <filesystem>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate::suite_detail {

struct SuiteFile {
  std::string display;             // the suite path as the user gave it
  std::filesystem::path base_dir;  // absolute; relative paths in the suite resolve against it
  bool traces = false;             // loaded for `traces score` (SuiteLoadOptions::traces)
};

// `node` is the value of `prompts:`; `at` where errors about the list as a whole point.
Result<std::vector<Prompt>> parse_prompts(const SuiteFile& file, const YAML::Node& node, const Location& at);

// `providers:` or `judges:` (`judges` true). Ids default to the type.
Result<std::vector<ProviderSpec>> parse_providers(const SuiteFile& file, const YAML::Node& node, const Location& at,
                                                  bool judges);

// `evaluators:`; each is built once with make_evaluator to prove it constructs, after checking
// that a `provider:` it names is one of `judges`.
Result<std::vector<EvaluatorSpec>> parse_evaluators(const SuiteFile& file, const YAML::Node& node,
                                                    const std::vector<ProviderSpec>& judges);

// The same checks for case-level evaluators, plus unique metric names within each case.
Result<void> check_evaluators(const Suite& suite);

// `gate:`, against the metric names and candidate ids the suite declares.
Result<std::vector<GateRule>> parse_gate(const SuiteFile& file, const YAML::Node& node, const Suite& suite);

// Every prompt variable and every field provider's field present in every case.
Result<void> check_cases_fit(const Suite& suite);

// The metric names the suite's evaluators and its cases' evaluators declare, in first-seen order.
std::vector<std::string> metric_names(const Suite& suite);

// The parsed document with secret-looking params values replaced by "***redacted***".
Json redact_snapshot(Json document);

} // namespace evalgate::suite_detail
