#pragma once
// providers/model_client: the narrow interface the engine (candidates) and evaluators (judges,
// embeddings) see. A ModelClient owns the encode → transport → decode → retry loop for one
// configured provider. complete() may be called from any thread; `done` is called exactly once,
// possibly on the transport's I/O thread, so it must hand heavy work off.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/transport.hpp"

namespace evalgate {

struct CallInput {
  std::vector<Message> messages; // rendered
  const Json* vars = nullptr;    // the case's vars (the field provider reads its output here)
};

struct CallResult {
  std::string text;
  Usage usage;
  double latency_ms = 0; // first attempt's start to final response, retry waits included
  int attempts = 0;      // HTTP attempts made (0 for providers that make no call)
  FailureKind failure = FailureKind::none;
  std::string error;     // provider's message or transport error, secrets never included
};

class ModelClient {
public:
  using Done = std::function<void(CallResult)>;
  virtual ~ModelClient() = default;
  virtual void complete(const CallInput& input, Done done) = 0;
};

// Validates `spec` (known type, required keys, API key present in the environment when the type
// needs one) and builds its client on `transport`, which must outlive the client.
// Errors are category config with spec.location.
Result<std::unique_ptr<ModelClient>> make_model_client(const ProviderSpec& spec, Transport& transport);

// The provider types this build knows, for validation and `evalgate list providers`.
struct ProviderTypeInfo {
  const char* name;
  const char* doc;
};
const std::vector<ProviderTypeInfo>& provider_types();

} // namespace evalgate
