#include "providers/model_client.hpp"

#include "core/suggest.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "providers/exec_client.hpp"
#include "providers/anthropic_provider.hpp"
#include "providers/azure_openai_provider.hpp"
#include "providers/field_client.hpp"
#include "providers/gemini_provider.hpp"
#include "providers/http_app_provider.hpp"
#include "providers/ollama_provider.hpp"
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

Result<std::unique_ptr<ModelClient>> make_exec(const ProviderSpec& spec, Transport&)
{
  return make_exec_client(spec);
}

// Every HTTP wire format runs behind the same retrying client.
template <Result<std::shared_ptr<const Provider>> (*MakeProvider)(const ProviderSpec&)>
Result<std::unique_ptr<ModelClient>> make_wire(const ProviderSpec& spec, Transport& transport)
{
  auto provider = MakeProvider(spec);
  if (!provider) {
    return fail(provider.error());
  }
  return make_retrying_client(std::move(*provider), spec, transport);
}

// The OpenAI-compatible presets share the openai wire format with their own base URL and key.
Result<std::shared_ptr<const Provider>> make_preset_provider(const ProviderSpec& spec)
{
  return make_openai_compatible_provider(spec, *find_openai_preset(spec.type));
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
    {{"azure-openai",
      "Azure OpenAI deployment (base_url = endpoint, deployment, api_version); key from AZURE_OPENAI_API_KEY",
      {"api_version", "deployment"}},
     make_wire<make_azure_openai_provider>},
    {{"anthropic", "Anthropic Messages API (system, max_tokens, tool use, cache tokens); ANTHROPIC_API_KEY",
      {}},
     make_wire<make_anthropic_provider>},
    {{"gemini", "Google Gemini generateContent and embeddings; key from GEMINI_API_KEY (in a header)", {}},
     make_wire<make_gemini_provider>},
    {{"ollama", "Ollama's native /api/chat and /api/embed (default http://localhost:11434); no key", {}},
     make_wire<make_ollama_provider>},
    {{"vllm", "vLLM's OpenAI-compatible server (default http://localhost:8000/v1); VLLM_API_KEY if set", {}},
     make_wire<make_preset_provider>},
    {{"llamacpp",
      "llama.cpp llama-server, OpenAI-compatible (default http://localhost:8080/v1); LLAMACPP_API_KEY if set",
      {}},
     make_wire<make_preset_provider>},
    {{"lmstudio", "LM Studio's OpenAI-compatible server (default http://localhost:1234/v1); no key", {}},
     make_wire<make_preset_provider>},
    {{"openrouter", "OpenRouter, OpenAI-compatible (https://openrouter.ai/api/v1); OPENROUTER_API_KEY", {}},
     make_wire<make_preset_provider>},
    {{"together", "Together AI, OpenAI-compatible (https://api.together.xyz/v1); TOGETHER_API_KEY", {}},
     make_wire<make_preset_provider>},
    {{"groq", "Groq, OpenAI-compatible (https://api.groq.com/openai/v1); key from GROQ_API_KEY", {}},
     make_wire<make_preset_provider>},
    {{"litellm", "LiteLLM proxy, OpenAI-compatible (default http://localhost:4000); LITELLM_API_KEY if set",
      {}},
     make_wire<make_preset_provider>},
    {{"http", "your own application over HTTP: url, method, headers, a JSON body template, an output path",
      {"body", "method", "output", "url"}},
     make_wire<make_http_app_provider>},
    {{"exec", "runs your program per case (`command:` argv list, no shell): vars as JSON on stdin, output = stdout",
      {"command", "cwd", "env"}},
     make_exec},
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
