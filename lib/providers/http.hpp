#pragma once
// providers/http: the request and response values that cross the Transport seam. Plain data.
//
// lib/providers in one paragraph: a Provider encodes a CallInput into an HttpRequest and decodes an
// HttpResponse (pure, no I/O: openai_provider, field_client); the Transport (curl_transport) is the
// one curl-multi event loop; retry_policy classifies outcomes and computes backoff; flow_control
// decides when each attempt may start (concurrency, rate buckets, the shared 429 pause); the
// retrying client (make_model_client) ties them together behind ModelClient, streaming through a
// Provider's StreamDecoder when asked; fallback_client hands exhausted calls to another provider.
// May use: core.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evalgate {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers; // name, value
  std::string body;
  // The body is to_json_text() of a JSON value (compact, object keys sorted), as every JSON
  // encoder here writes it: the response cache keys that text as is instead of parsing it again.
  // Leave false for any other body (templated text, forms), or after editing the body.
  bool body_is_json_text = false;
  long timeout_ms = 60000; // whole transfer, connect included
  // Streaming: called on the transport's I/O thread with each body chunk of a 2xx response as it
  // arrives (arbitrary boundaries; the body is still accumulated). Must be quick and not throw.
  std::function<void(std::string_view)> on_chunk;
  // Streaming only: a transfer that receives no byte for this long is a timeout (so a stalled
  // stream fails instead of waiting out timeout_ms). 0 = off; never set it on non-streamed calls,
  // whose whole body arrives after a long silence. Checked about once a second.
  long idle_timeout_ms = 0;
  std::string ca_bundle; // CA file for this request (CURLOPT_CAINFO); empty = the transport's default
  // Response-cache hooks (providers/response_cache.hpp); callers that do not cache keep the defaults.
  int cache_sample = 0;       // the trial's repeat index: N repeats are N distinct cached samples
  bool cache_refresh = false; // skip the lookup and overwrite: the last answer was not accepted
};

struct HttpResponse {
  long status = 0;   // 0 when no HTTP response arrived (transport error)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
  std::string transport_error; // non-empty when the transfer itself failed
  bool timed_out = false;
  double elapsed_ms = 0;       // from the moment the transfer started (not queue time)
  bool cancelled = false;      // cancel_all() or shutdown aborted it (transport_error "cancelled")
  bool transport_permanent = false; // the transport failure will not go away on retry
                                    // (malformed URL, unsupported protocol, bad CA bundle, ...)
  bool from_cache = false;   // served by the response cache: no request was sent
  bool replay_miss = false;  // --cache replay had no entry: a config failure (transport_error says which)

  // First header with this (lower-case) name, or nullptr.
  const std::string* header(std::string_view lower_name) const
  {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) {
        return &value;
      }
    }
    return nullptr;
  }
};

} // namespace evalgate
