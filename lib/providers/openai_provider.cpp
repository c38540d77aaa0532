#include "providers/openai_provider.hpp"

#include <fmt/format.h>

#include "providers/openai_wire.hpp"
#include "providers/wire_support.hpp"

namespace evalgate {

const std::vector<OpenAiPreset>& openai_presets()
{
  // Base URLs and key variables: providers.md §1.8 and each server's own docs (docs/providers.md).
  static const std::vector<OpenAiPreset> k_presets{
      {"openai", k_openai_default_base_url, "OPENAI_API_KEY", true},
      {"vllm", "http://localhost:8000/v1", "VLLM_API_KEY", false},
      {"llamacpp", "http://localhost:8080/v1", "LLAMACPP_API_KEY", false},
      {"lmstudio", "http://localhost:1234/v1", "LMSTUDIO_API_KEY", false},
      {"openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", true},
      {"together", "https://api.together.xyz/v1", "TOGETHER_API_KEY", true},
      {"groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", true},
      {"litellm", "http://localhost:4000", "LITELLM_API_KEY", false},
  };
  return k_presets;
}

const OpenAiPreset* find_openai_preset(const std::string& type)
{
  for (const auto& preset : openai_presets()) {
    if (type == preset.type) {
      return &preset;
    }
  }
  return nullptr;
}

Result<std::shared_ptr<const Provider>> make_openai_compatible_provider(const ProviderSpec& spec,
                                                                        const OpenAiPreset& preset)
{
  if (spec.model.empty()) {
    return fail(ErrorCategory::config,
                fmt::format("provider '{}' (type {}) needs 'model'", spec.id, preset.type), spec.location);
  }
  if (auto ok = check_common_spec(spec); !ok) {
    return fail(ok.error());
  }
  auto stream = stream_option(spec);
  if (!stream) {
    return fail(stream.error());
  }
  OpenAiWire wire;
  auto extra_headers = headers_option(spec, wire.secrets);
  if (!extra_headers) {
    return fail(extra_headers.error());
  }
  const std::string base_url =
      trim_trailing_slashes(spec.base_url.empty() ? std::string(preset.base_url) : spec.base_url);
  auto api_key =
      resolve_api_key(spec, KeyRule{preset.key_env, preset.key_required}, base_url == preset.base_url);
  if (!api_key) {
    return fail(api_key.error());
  }
  wire.chat_url = base_url + "/chat/completions";
  wire.embed_url = base_url + "/embeddings";
  wire.model = spec.model;
  wire.params = spec.params.is_object() ? spec.params : Json::object();
  wire.timeout_ms = spec.timeout_ms;
  wire.stream = *stream;
  wire.headers.emplace_back("Content-Type", "application/json");
  if (!api_key->empty()) {
    wire.headers.emplace_back("Authorization", "Bearer " + *api_key);
    wire.secrets.push_back(*api_key);
  }
  apply_headers(wire.headers, *extra_headers);
  return make_openai_wire(std::move(wire));
}

Result<std::shared_ptr<const Provider>> make_openai_provider(const ProviderSpec& spec)
{
  return make_openai_compatible_provider(spec, openai_presets().front());
}

} // namespace evalgate
