#include "suite/suite_sections.hpp"

#include <algorithm>
#include <cctype>

#include "core/template.hpp"
#include "suite/mapping_reader.hpp"
#include "suite/suggest.hpp"
#include "suite/suite_loader.hpp"
#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

namespace {

// Same resolution as core/template: the whole name first, then a dotted path.
bool has_variable(const Json& vars, const std::string& name)
{
  if (!vars.is_object()) {
    return false;
  }
  if (vars.contains(name)) {
    return true;
  }
  const Json* node = &vars;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = name.find('.', start);
    const std::string part = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) {
      return false;
    }
    node = &(*node)[part];
    if (dot == std::string::npos) {
      return true;
    }
    start = dot + 1;
  }
}

std::string case_label(const Case& test_case)
{
  return "case '" + test_case.id + "' (" + test_case.location.str() + ")";
}

Result<void> check_gate_numbers(const MappingReader& reader, GateRule& rule)
{
  for (auto [key, out] : {std::pair<const char*, std::optional<double>*>{"min_mean", &rule.min_mean},
                          {"min_pass_rate", &rule.min_pass_rate},
                          {"max_error_rate", &rule.max_error_rate},
                          {"min_p05", &rule.min_p05}}) {
    auto value = reader.unit_number(key);
    if (!value) {
      return fail(value.error());
    }
    *out = *value;
  }
  for (auto [key, out] : {std::pair<const char*, std::optional<double>*>{"max_drop", &rule.max_drop},
                          {"max_flaky_rate", &rule.max_flaky_rate}}) {
    auto value = reader.unit_number(key);
    if (!value) {
      return fail(value.error());
    }
    *out = *value;
  }
  for (auto [key, out] :
       {std::pair<const char*, std::optional<double>*>{"max_p95_latency_ms", &rule.max_p95_latency_ms},
        {"max_cost_usd", &rule.max_cost_usd}}) {
    auto value = reader.non_negative_number(key);
    if (!value) {
      return fail(value.error());
    }
    *out = *value;
  }
  auto confidence = reader.unit_number("confidence");
  if (!confidence) {
    return fail(confidence.error());
  }
  if (*confidence) {
    if (**confidence <= 0 || **confidence >= 1) {
      return reader.error("'confidence' must be a number strictly between 0 and 1, got " +
                              reader.value("confidence").Scalar(),
                          reader.value_location("confidence"));
    }
    if (!rule.max_drop) {
      return reader.error("'confidence' applies to max_drop; this rule has no max_drop",
                          reader.key_location("confidence"));
    }
    rule.confidence = **confidence;
  }
  return {};
}

bool has_metric_check(const GateRule& rule)
{
  return rule.min_mean || rule.min_pass_rate || rule.max_error_rate || rule.max_drop || rule.max_flaky_rate ||
         rule.min_p05;
}

// A secret-looking params key: one of its words (split on '_', '-', '.', and camelCase) is a
// secret word. Word-wise so that `max_tokens` stays visible while `api_key`, `apiKey`,
// `x-api-key`, `access_token` and `client_secret` are hidden.
bool secret_key(const std::string& key)
{
  static const std::vector<std::string> k_words = {"apikey", "authorization", "key",   "passwd",
                                                   "password", "secret",        "token"};
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    const bool boundary = std::isupper(c) != 0 && i > 0 && std::islower(static_cast<unsigned char>(key[i - 1])) != 0;
    if (std::isalnum(c) == 0 || boundary) {
      words.emplace_back();
    }
    if (std::isalnum(c) != 0) {
      words.back() += static_cast<char>(std::tolower(c));
    }
  }
  return std::any_of(words.begin(), words.end(), [](const std::string& word) {
    return std::find(k_words.begin(), k_words.end(), word) != k_words.end();
  });
}

void redact_params(Json& value)
{
  if (value.is_object()) {
    for (auto& [key, item] : value.items()) {
      if (secret_key(key)) {
        item = "***redacted***";
      } else {
        redact_params(item);
      }
    }
  } else if (value.is_array()) {
    for (auto& item : value) {
      redact_params(item);
    }
  }
}

} // namespace

Result<std::vector<GateRule>> parse_gate(const SuiteFile& file, const YAML::Node& node, const Suite& suite)
{
  if (!node.IsSequence()) {
    return fail(ErrorCategory::config,
                "'gate' must be a list of {metric, min_mean | min_pass_rate | max_error_rate | max_drop | "
                "...}, got " +
                    describe(node),
                node_location(file.display, node));
  }
  const std::vector<std::string> metrics = metric_names(suite);
  std::vector<std::string> candidates;
  for (const auto& candidate : suite_candidates(suite)) {
    candidates.push_back(candidate.id);
  }
  std::vector<GateRule> rules;
  for (const auto& item : node) {
    auto reader =
        MappingReader::open(file.display, item, "each gate rule",
                            {"candidate", "confidence", "max_cost_usd", "max_drop", "max_error_rate",
                             "max_flaky_rate", "max_p95_latency_ms", "metric", "min_mean", "min_p05",
                             "min_pass_rate"});
    if (!reader) {
      return fail(reader.error());
    }
    GateRule rule;
    rule.location = reader->location();
    auto metric = reader->string("metric");
    if (!metric) {
      return fail(metric.error());
    }
    if (auto ok = check_gate_numbers(*reader, rule); !ok) {
      return fail(ok.error());
    }
    // A percentile floor needs the unit-level values that only `traces score` gates on.
    if (rule.min_p05 && !file.traces) {
      return reader->error("'min_p05' applies to `evalgate traces score`; a suite run gates with min_mean, "
                           "min_pass_rate, max_error_rate, max_drop and the other keys of docs/gate.md",
                           reader->key_location("min_p05"));
    }
    // Latency and cost are per candidate: a rule with only those checks needs no metric.
    if (!*metric && !has_metric_check(rule) && (rule.max_p95_latency_ms || rule.max_cost_usd)) {
      if (auto candidate = reader->string("candidate"); !candidate) {
        return fail(candidate.error());
      } else if (*candidate) {
        rule.candidate = **candidate;
      }
      if (!rule.candidate.empty() &&
          std::find(candidates.begin(), candidates.end(), rule.candidate) == candidates.end()) {
        std::string message = "gate candidate '" + rule.candidate + "' is not a candidate of this suite";
        if (auto guess = nearest(rule.candidate, candidates)) {
          message += ", did you mean '" + *guess + "'?";
        }
        return reader->error(message + " candidates: " + join(candidates),
                             reader->value_location("candidate"));
      }
      rules.push_back(std::move(rule));
      continue;
    }
    if (!*metric) {
      return reader->error("each gate rule needs 'metric' (an evaluator's name, else its type)", rule.location);
    }
    rule.metric = **metric;
    if (std::find(metrics.begin(), metrics.end(), rule.metric) == metrics.end()) {
      std::string message = "gate metric '" + rule.metric + "' is not declared by any evaluator";
      if (auto guess = nearest(rule.metric, metrics)) {
        message += ", did you mean '" + *guess + "'?";
      }
      message += metrics.empty() ? "; the suite declares no evaluators" : " known metrics: " + join(metrics);
      return reader->error(std::move(message), reader->value_location("metric"));
    }
    auto candidate = reader->string("candidate");
    if (!candidate) {
      return fail(candidate.error());
    }
    if (*candidate) {
      rule.candidate = **candidate;
      if (std::find(candidates.begin(), candidates.end(), rule.candidate) == candidates.end()) {
        std::string message = "gate candidate '" + rule.candidate + "' is not a candidate of this suite";
        if (auto guess = nearest(rule.candidate, candidates)) {
          message += ", did you mean '" + *guess + "'?";
        }
        message += " candidates: " + join(candidates);
        return reader->error(std::move(message), reader->value_location("candidate"));
      }
    }
    if (!has_metric_check(rule) && !rule.max_p95_latency_ms && !rule.max_cost_usd) {
      return reader->error(
          "gate rule for '" + rule.metric +
              "' has no check; give at least one of min_mean, min_pass_rate, max_error_rate, "
              "max_drop, max_flaky_rate, max_p95_latency_ms, max_cost_usd",
          rule.location);
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

Result<void> check_cases_fit(const Suite& suite)
{
  for (const auto& prompt : suite.prompts) {
    std::vector<std::string> names;
    for (const auto& message : prompt.messages) {
      auto variables = template_variables(message.content);
      if (!variables) {
        return fail(ErrorCategory::config, "prompt '" + prompt.id + "': " + variables.error().message,
                    prompt.location);
      }
      names.insert(names.end(), variables->begin(), variables->end());
    }
    for (const auto& test_case : suite.cases) {
      for (const auto& name : names) {
        if (!has_variable(test_case.vars, name)) {
          return fail(ErrorCategory::data,
                      "prompt '" + prompt.id + "' uses {{" + name + "}} but " + case_label(test_case) +
                        " has no field '" + name + "'",
                      prompt.location);
        }
      }
    }
  }
  for (const auto& provider : suite.providers) {
    if (provider.type != "field") {
      continue;
    }
    for (const auto& test_case : suite.cases) {
      if (!has_variable(test_case.vars, provider.field)) {
        return fail(ErrorCategory::data,
                    "provider '" + provider.id + "' reads field '" + provider.field + "' but " +
                      case_label(test_case) + " has no field '" + provider.field + "'",
                    provider.location);
      }
    }
  }
  return {};
}

Json redact_snapshot(Json document)
{
  for (const char* section : {"providers", "judges"}) {
    auto list = document.find(section);
    if (list == document.end() || !list->is_array()) {
      continue;
    }
    for (auto& entry : *list) {
      if (entry.is_object() && entry.contains("params")) {
        redact_params(entry["params"]);
      }
    }
  }
  return document;
}

} // namespace evalgate::suite_detail
