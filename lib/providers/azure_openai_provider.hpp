#pragma once
// providers/azure_openai_provider: Azure OpenAI's deployment-scoped Chat Completions and
// Embeddings (providers.md §1.7), on the OpenAI wire format.
//
//   POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version={api_version}
//   POST {endpoint}/openai/deployments/{deployment}/embeddings?api-version={api_version}
// Header `api-key: <key>` (key from api_key_env, default AZURE_OPENAI_API_KEY; always required).
// endpoint = base_url, else $AZURE_OPENAI_ENDPOINT (https://RESOURCE.openai.azure.com).
// Options: `deployment` (default: model), `api_version` (default $OPENAI_API_VERSION, else
// k_azure_default_api_version). The body carries "model" only when `model` is set.

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/provider.hpp"

namespace evalgate {

inline constexpr const char* k_azure_default_api_version = "2024-10-21";

// Errors are category config at spec.location, e.g.
//   provider 'az' (type azure-openai) needs 'base_url' (https://RESOURCE.openai.azure.com) or
//   AZURE_OPENAI_ENDPOINT provider 'az' (type azure-openai) needs 'deployment' (or 'model')
Result<std::shared_ptr<const Provider>> make_azure_openai_provider(const ProviderSpec& spec);

} // namespace evalgate
