#include "providers/model_client.hpp"

#include "core/suggest.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "providers/field_client.hpp"
#include "providers/openai_provider.hpp"
#include "providers/provider_options.hpp"
#include "providers/retrying_client.hpp"

namespace evalgate {

namespace {

using Factory = Result<std::unique_ptr<ModelClient>> (*)(const ProviderSpec&, Transport&);

Result<std::unique_ptr<ModelClient>> make_openai(const ProviderSpec& spec, Transport& transport)
{
  auto provider = make_openai_provider(spec);
  if (!provider) {
    return fail(provider.error());
  }
  return make_retrying_client(std::move(*provider), spec, transport);
}

Result<std::unique_ptr<ModelClient>> make_field(const ProviderSpec& spec, Transport&)
{
  return make_field_client(spec);
}

struct ProviderTypeRow {
  ProviderTypeInfo info;
  Factory factory;
};

// The one table of provider types (STYLE.md: no static self-registration).
const std::vector<ProviderTypeRow>& provider_table()
{
  static const std::vector<ProviderTypeRow> k_rows{
    {{"openai", "OpenAI Chat Completions or any OpenAI-compatible server (base_url); key from api_key_env", {}},
     make_openai},
    {{"field", "no call: the output is a field of the case (`field:`), for outputs produced elsewhere", {}},
     make_field},
  };
  return k_rows;
}

std::string known_type_names()
{
  std::string names;
  for (const auto& row : provider_table()) {
    names += names.empty() ? "" : ", ";
    names += row.info.name;
  }
  return names;
}

Unexpected unknown_type(const ProviderSpec& spec)
{
  if (spec.type.empty()) {
    return fail(ErrorCategory::config,
                fmt::format("provider '{}' has no 'type'; known types: {}", spec.id, known_type_names()),
                spec.location);
  }
  std::vector<std::string> names;
  for (const auto& row : provider_table()) {
    names.emplace_back(row.info.name);
  }
  if (auto best = nearest_name(spec.type, names)) {
    return fail(ErrorCategory::config,
                fmt::format("unknown provider type '{}', did you mean '{}'?", spec.type, *best), spec.location);
  }
  return fail(ErrorCategory::config,
              fmt::format("unknown provider type '{}'; known types: {}", spec.type, known_type_names()),
              spec.location);
}

} // namespace

void ModelClient::embed(const std::vector<std::string>&, EmbedDone done)
{
  EmbedResult result;
  result.failure = FailureKind::config;
  result.error = "this provider type has no embeddings API";
  done(std::move(result));
}

Result<std::unique_ptr<ModelClient>> make_model_client(const ProviderSpec& spec, Transport& transport)
{
  for (const auto& row : provider_table()) {
    if (spec.type == row.info.name) {
      if (auto checked = check_common_options(spec); !checked) {
        return fail(checked.error());
      }
      return row.factory(spec, transport);
    }
  }
  return unknown_type(spec);
}

const std::vector<const char*>& provider_common_option_keys()
{
  // Read by the flow-control, streaming, cost and fallback layers (issue 3); alphabetical.
  static const std::vector<const char*> k_keys{"fallback",          "headers", "pricing", "requests_per_minute",
                                               "stream", "tokens_per_minute", "ca_bundle"};
  return k_keys;
}

const std::vector<ProviderTypeInfo>& provider_types()
{
  static const std::vector<ProviderTypeInfo> k_types = [] {
    std::vector<ProviderTypeInfo> types;
    for (const auto& row : provider_table()) {
      types.push_back(row.info);
    }
    return types;
  }();
  return k_types;
}

} // namespace evalgate
