#pragma once
// providers/fallback_client: `fallback: <provider id>` (providers.md "Fallback"). A call whose
// primary failed with a retryable failure after all its retries (CallResult::retries_exhausted) is
// sent once more, to the fallback provider's client; the result is the fallback's, with
// provider_id naming the fallback (so the trial records who answered), attempts summed over both
// and latency from the primary's start. Non-retryable failures (401, 400, quota) are not handed
// on: the fallback would hide a configuration error. Embeddings go to the primary only.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/model_client.hpp"

namespace evalgate {

// Wraps `primary`; `fallback` is not owned and must outlive the wrapper.
std::unique_ptr<ModelClient> make_fallback_client(std::unique_ptr<ModelClient> primary,
                                                  ModelClient& fallback);

// Validates every spec's `fallback` option against `specs` (unknown id: config error at the spec's
// location with a did-you-mean; a cycle such as a -> b -> a: config error naming it) and wraps the
// clients in `clients` (keyed by spec id) so chains a -> b -> c work.
Result<void> wrap_fallbacks(const std::vector<ProviderSpec>& specs,
                            std::map<std::string, std::unique_ptr<ModelClient>>& clients);

} // namespace evalgate
