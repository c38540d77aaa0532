#pragma once
// providers/model_client: the narrow interface the engine (candidates) and evaluators (judges,
// embeddings) see. A ModelClient owns the encode → transport → decode → retry loop for one
// configured provider. complete() may be called from any thread; `done` is called exactly once,
// possibly on the transport's I/O thread, so it must hand heavy work off.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/transport.hpp"

namespace evalgate {

struct CallInput {
  std::vector<Message> messages; // rendered
  const Json* vars = nullptr;    // the case's vars (the field provider reads its output here)
  int repeat_index = 0;          // the trial's repeat: salts the response-cache key (repeats = samples)
};

struct CallResult {
  std::string text;
  Usage usage;
  double latency_ms = 0; // first attempt's start to final response, retry waits included
  std::optional<double> ttft_ms; // streaming only: request start to the first content token
  int attempts = 0;      // HTTP attempts made (0 for providers that make no call)
  FailureKind failure = FailureKind::none;
  std::string error;     // provider's message or transport error, secrets never included
  std::optional<double> cost_usd; // nullopt = price unknown; 0 only for a priced free call
  bool cache_hit = false;
  std::string provider_id; // which configured provider answered (differs when a fallback did)
  Json raw;                // decoded extras a caller may need (logprobs, tool calls); null if none
  bool retries_exhausted = false; // failed with a retryable failure after max_retries (a fallback may help)
};

struct EmbedResult {
  std::vector<std::vector<float>> vectors; // one per input text, in order
  Usage usage;
  std::optional<double> cost_usd;
  int attempts = 0;
  bool cache_hit = false;
  FailureKind failure = FailureKind::none;
  std::string error;
};

class ModelClient {
public:
  using Done = std::function<void(CallResult)>;
  using EmbedDone = std::function<void(EmbedResult)>;
  virtual ~ModelClient() = default;
  virtual void complete(const CallInput& input, Done done) = 0;
  // Embeds `texts` in one call (callers batch). Providers without an embeddings API answer with
  // failure config and a message naming the provider type.
  virtual void embed(const std::vector<std::string>& texts, EmbedDone done);
};

// Validates `spec` (known type, required keys, API key present in the environment when the type
// needs one) and builds its client on `transport`, which must outlive the client.
// Errors are category config with spec.location.
Result<std::unique_ptr<ModelClient>> make_model_client(const ProviderSpec& spec, Transport& transport);

// The provider types this build knows, for validation and `evalgate list providers`.
struct ProviderTypeInfo {
  const char* name;
  const char* doc;
  std::vector<const char*> option_keys; // keys of this type beyond the common ones (ProviderSpec::options)
};
const std::vector<ProviderTypeInfo>& provider_types();

// Option keys every provider type accepts (flow control, streaming, cost, fallback); the suite
// loader stores them in ProviderSpec::options.
const std::vector<const char*>& provider_common_option_keys();

} // namespace evalgate
