#include "suite/suite_sections.hpp"

#include <algorithm>
#include <map>

#include "core/env.hpp"
#include "providers/model_client.hpp"
#include "suite/mapping_reader.hpp"
#include "suite/suggest.hpp"
#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

namespace {

const std::vector<std::string> k_provider_keys = {"api_key_env", "base_url", "concurrency", "field",
                                                  "id",          "max_retries", "model",     "params",
                                                  "retry_base_ms", "timeout_ms", "type"};

const ProviderTypeInfo* find_type(const std::string& name)
{
  for (const auto& info : provider_types()) {
    if (name == info.name) {
      return &info;
    }
  }
  return nullptr;
}

// The keys the provider layer declares for `type` (common ones plus the type's own): their values
// go to ProviderSpec::options. An unknown type gets only the common ones; it fails just after.
std::vector<std::string> option_keys(const YAML::Node& node)
{
  std::vector<std::string> keys;
  for (const char* key : provider_common_option_keys()) {
    keys.emplace_back(key);
  }
  const YAML::Node type = node.IsMap() ? node["type"] : YAML::Node();
  if (type.IsDefined() && type.IsScalar()) {
    if (const ProviderTypeInfo* info = find_type(type.Scalar())) {
      for (const char* key : info->option_keys) {
        keys.emplace_back(key);
      }
    }
  }
  return keys;
}

// Hosted chat APIs have no useful default model; a wrong default would silently change results.
bool needs_model(const std::string& type)
{
  return type == "openai" || type == "anthropic" || type == "gemini" || type == "ollama";
}

std::vector<std::string> known_types()
{
  std::vector<std::string> names;
  for (const auto& info : provider_types()) {
    names.emplace_back(info.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// What an error calls the entry before its id is known: "provider 'gpt'" or "provider #2".
std::string label(const YAML::Node& node, const char* what, std::size_t index)
{
  for (const char* key : {"id", "type"}) {
    const YAML::Node value = node.IsMap() ? node[key] : YAML::Node();
    if (value.IsDefined() && value.IsScalar() && !value.Scalar().empty()) {
      return std::string(what) + " '" + value.Scalar() + "'";
    }
  }
  return std::string(what) + " #" + std::to_string(index);
}

Result<void> read_string(const MappingReader& reader, const char* key, std::string& out)
{
  auto value = reader.string(key);
  if (!value) {
    return fail(value.error());
  }
  if (*value) {
    out = **value;
  }
  return {};
}

template <typename T> Result<void> read_integer(const MappingReader& reader, const char* key, long min, T& out)
{
  auto value = reader.integer(key, min);
  if (!value) {
    return fail(value.error());
  }
  if (*value) {
    out = static_cast<T>(**value);
  }
  return {};
}

Result<ProviderSpec> parse_provider(const SuiteFile& file, const YAML::Node& node, bool judge, std::size_t index)
{
  const char* what = judge ? "judge" : "provider";
  // Checked before unknown keys: a literal key deserves its own, firmer message.
  if (node.IsMap() && node["api_key"].IsDefined()) {
    Location at = node_location(file.display, node);
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == "api_key") {
        at = node_location(file.display, it->first);
      }
    }
    return fail(ErrorCategory::config,
                label(node, what, index) +
                  ": API keys must not be written in suite files; put the key in an environment variable and name "
                  "it with api_key_env",
                at);
  }
  const std::vector<std::string> options = option_keys(node);
  std::vector<std::string> allowed = k_provider_keys;
  allowed.insert(allowed.end(), options.begin(), options.end());
  std::sort(allowed.begin(), allowed.end());
  auto reader = MappingReader::open(file.display, node, std::string("each ") + what, allowed);
  if (!reader) {
    return fail(reader.error());
  }
  ProviderSpec spec;
  spec.location = reader->location();
  for (const auto& key : options) {
    if (reader->has(key)) {
      auto json = to_json(reader->value(key), file.display, ErrorCategory::config);
      if (!json) {
        return fail(json.error());
      }
      spec.options[key] = std::move(*json);
    }
  }
  for (auto [key, out] : {std::pair<const char*, std::string*>{"id", &spec.id},
                          {"type", &spec.type},
                          {"model", &spec.model},
                          {"base_url", &spec.base_url},
                          {"api_key_env", &spec.api_key_env},
                          {"field", &spec.field}}) {
    if (auto ok = read_string(*reader, key, *out); !ok) {
      return fail(ok.error());
    }
  }
  Result<void> numbers[] = {read_integer(*reader, "timeout_ms", 1, spec.timeout_ms),
                            read_integer(*reader, "max_retries", 0, spec.max_retries),
                            read_integer(*reader, "retry_base_ms", 0, spec.retry_base_ms),
                            read_integer(*reader, "concurrency", 1, spec.max_concurrency)};
  for (const auto& ok : numbers) {
    if (!ok) {
      return fail(ok.error());
    }
  }
  const std::string name = label(node, what, index);
  if (spec.type.empty()) {
    return reader->error(name + " needs 'type' (one of " + join(known_types()) + ")", reader->location());
  }
  const auto types = known_types();
  if (!std::binary_search(types.begin(), types.end(), spec.type)) {
    return reader->error(unknown_name_message("provider type", spec.type, types), reader->value_location("type"));
  }
  if (spec.id.empty()) {
    spec.id = spec.type;
  }
  if (spec.id.find('/') != std::string::npos) {
    return reader->error(std::string(what) + " id '" + spec.id +
                           "' must not contain '/': candidate ids are '<prompt>/<provider>'",
                         reader->value_location("id"));
  }
  if (needs_model(spec.type) && spec.model.empty()) {
    return reader->error(name + ": type '" + spec.type + "' needs 'model' (e.g. model: gpt-4o-mini)",
                         reader->location());
  }
  if (spec.type == "field" && spec.field.empty()) {
    return reader->error(name + ": type 'field' needs 'field' (the case field holding the output)",
                         reader->location());
  }
  if (!spec.base_url.empty()) {
    // Per-machine values (a local server's port) come from the environment: ${MOCK_PORT}.
    auto expanded = expand_env(spec.base_url);
    if (!expanded) {
      return reader->error(name + ": base_url: " + expanded.error().message, reader->value_location("base_url"));
    }
    spec.base_url = std::move(*expanded);
  }
  if (reader->has("params")) {
    const YAML::Node params = reader->value("params");
    if (!params.IsMap()) {
      return reader->error("'params' must be a mapping, got " + describe(params), reader->value_location("params"));
    }
    auto json = to_json(params, file.display, ErrorCategory::config);
    if (!json) {
      return fail(json.error());
    }
    spec.params = std::move(*json);
  }
  return spec;
}

} // namespace

Result<std::vector<ProviderSpec>> parse_providers(const SuiteFile& file, const YAML::Node& node, const Location& at,
                                                  bool judges)
{
  const char* key = judges ? "judges" : "providers";
  if (!node.IsSequence() || (!judges && node.size() == 0)) {
    return fail(ErrorCategory::config,
                std::string("'") + key + "' must be a " + (judges ? "" : "non-empty ") +
                  "list of {id, type, model, ...}, got " + describe(node),
                at);
  }
  std::vector<ProviderSpec> specs;
  std::size_t index = 0;
  for (const auto& item : node) {
    auto spec = parse_provider(file, item, judges, ++index);
    if (!spec) {
      return fail(spec.error());
    }
    for (const auto& earlier : specs) {
      if (earlier.id == spec->id) {
        return fail(ErrorCategory::config,
                    std::string("duplicate ") + (judges ? "judge" : "provider") + " id '" + spec->id +
                      "' (first at " + earlier.location.str() + "); give each one a distinct 'id'",
                    spec->location);
      }
    }
    specs.push_back(std::move(*spec));
  }
  return specs;
}

} // namespace evalgate::suite_detail
