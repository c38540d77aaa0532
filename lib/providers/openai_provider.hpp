#pragma once
// providers/openai_provider: OpenAI Chat Completions and every OpenAI-compatible server (Ollama,
// vLLM, llama.cpp, LM Studio, OpenRouter, ...). providers.md §1.1.
//
// Request: POST {base_url}/chat/completions (default base https://api.openai.com/v1) with
// `Authorization: Bearer <key>` when a key is known, body {"model", "messages", ...spec.params}.
// Params are merged at the top level as written and win over the defaults (the user wrote them).
// The key comes from the environment variable named by api_key_env (default OPENAI_API_KEY).

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/provider.hpp"

namespace evalgate {

inline constexpr const char* k_openai_default_base_url = "https://api.openai.com/v1";

// Validates `spec` and reads the key from the environment now, so a missing key is reported before
// the first request. Errors are category config at spec.location:
//   provider 'gpt' (type openai) needs 'model'
//   environment variable MY_KEY (api_key_env of provider 'gpt') is not set
//   environment variable OPENAI_API_KEY is not set; provider 'gpt' needs it (or set api_key_env / base_url)
// A custom base_url without api_key_env and without OPENAI_API_KEY sends no Authorization header.
Result<std::shared_ptr<const Provider>> make_openai_provider(const ProviderSpec& spec);

} // namespace evalgate
