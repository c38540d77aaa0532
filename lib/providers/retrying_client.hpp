#pragma once
// providers/retrying_client: the ModelClient for every HTTP provider. One call = encode once, then
// submit → classify (retry_policy) → decode, re-submitting through the transport's timer with the
// computed backoff while the failure is retryable and spec.max_retries allows; `done` runs exactly
// once. A 2xx body that does not decode counts as failure `parse` and is retried like a truncated
// response. Error text is scrubbed of the provider's secrets before it leaves the client.
//
// Thread safety: complete() may be called from any thread concurrently. Per-call state is owned by
// the in-flight transport callbacks, so the client may be destroyed while calls are in flight; the
// transport must outlive them. Nothing blocks on the I/O thread.

#include <memory>

#include "core/types.hpp"
#include "providers/model_client.hpp"
#include "providers/provider.hpp"
#include "providers/transport.hpp"

namespace evalgate {

std::unique_ptr<ModelClient> make_retrying_client(std::shared_ptr<const Provider> provider, const ProviderSpec& spec,
                                                  Transport& transport);

} // namespace evalgate
