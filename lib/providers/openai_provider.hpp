#pragma once
// providers/openai_provider: OpenAI Chat Completions and every OpenAI-compatible server (vLLM,
// llama.cpp, LM Studio, OpenRouter, Together, Groq, LiteLLM proxy, ...). providers.md §1.1, §1.8.
// The wire format itself is providers/openai_wire.
//
// Request: POST {base_url}/chat/completions (default base https://api.openai.com/v1) with
// `Authorization: Bearer <key>` when a key is known, body {"model", "messages", ...spec.params}.
// Params are merged at the top level as written and win over the defaults (the user wrote them).
// The key comes from the environment variable named by api_key_env (default OPENAI_API_KEY).
// Embeddings: POST {base_url}/embeddings. `stream: true` in the provider block streams (SSE);
// stream_decoder() is non-null exactly then. The common `headers` option adds or replaces headers.

#include <memory>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/provider.hpp"

namespace evalgate {

inline constexpr const char* k_openai_default_base_url = "https://api.openai.com/v1";

// An OpenAI-compatible server type: its default base URL and key variable. `key_required`: with
// the default base URL a missing key is a config error (hosted APIs); otherwise the key is sent
// only when the variable is set (local servers).
struct OpenAiPreset {
  const char* type;
  const char* base_url;
  const char* key_env;
  bool key_required;
};

// openai itself first, then vllm, llamacpp, lmstudio, openrouter, together, groq, litellm.
const std::vector<OpenAiPreset>& openai_presets();
const OpenAiPreset* find_openai_preset(const std::string& type);

// Validates `spec` and reads the key from the environment now, so a missing key is reported before
// the first request. Errors are category config at spec.location:
//   provider 'gpt' (type openai) needs 'model'
//   environment variable MY_KEY (api_key_env of provider 'gpt') is not set
//   environment variable OPENAI_API_KEY is not set; provider 'gpt' needs it (or set api_key_env / base_url)
// A custom base_url without api_key_env and without the preset's variable sends no Authorization.
Result<std::shared_ptr<const Provider>> make_openai_compatible_provider(const ProviderSpec& spec,
                                                                        const OpenAiPreset& preset);

// The `openai` preset.
Result<std::shared_ptr<const Provider>> make_openai_provider(const ProviderSpec& spec);

} // namespace evalgate
