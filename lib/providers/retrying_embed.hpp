#pragma once
// providers/retrying_embed: ModelClient::embed for HTTP providers — encode_embed → submit →
// classify (retry_policy) → decode_embed, retried with the same policy and backoff as complete()
// (a 2xx body that does not decode, or a vector count that differs from the input count, is a
// `parse` failure and retried). `done` runs exactly once; error text is scrubbed of `secrets`.
// Thread safety as retrying_client: the call state lives in the transport callbacks.

#include <memory>
#include <string>
#include <vector>

#include "providers/model_client.hpp"
#include "providers/provider.hpp"
#include "providers/transport.hpp"

namespace evalgate {

struct EmbedSettings {
  std::shared_ptr<const Provider> provider;
  Transport* transport = nullptr; // must outlive the call
  int max_retries = 0;
  long retry_base_ms = 0;
  std::vector<std::string> secrets;
  std::string label; // "provider 'claude' (type anthropic)": names it when it has no embeddings API
};

void retrying_embed(const EmbedSettings& settings, const std::vector<std::string>& texts,
                    ModelClient::EmbedDone done);

} // namespace evalgate
