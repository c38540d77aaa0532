#pragma once
// providers/retrying_client: the ModelClient for every HTTP provider. One call = encode once, then
// submit → classify (retry_policy) → decode, re-submitting through the transport's timer with the
// computed backoff while the failure is retryable and spec.max_retries allows; `done` runs exactly
// once. A 2xx body that does not decode counts as failure `parse` and is retried like a truncated
// response. Error text is scrubbed of the provider's secrets before it leaves the client.
//
// Every attempt passes the provider's FlowGate (flow_control.hpp: spec.max_concurrency and the
// requests_per_minute / tokens_per_minute options); a 429 or 529 pauses the gate for the retry's
// wait, so every request to this provider slows down. With options `stream: true` and a provider
// that has a stream_decoder(), the body is decoded as it arrives: ttft_ms is the time from the
// call's start to the first chunk after which the decoder has content, and a stream the decoder
// finds unfinished is a retryable `network` failure. Results carry provider_id = spec.id and
// retries_exhausted when a retryable failure outlasted max_retries (what a fallback acts on).
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
