#pragma once
// providers/transport: the one HTTP seam. CurlTransport drives a single curl multi handle on one
// I/O thread (DESIGN.md "Concurrency"): submit() may be called from any thread; callbacks run on
// the I/O thread and must be quick (hand work off, never block). Admission control (how many
// requests are in flight) belongs to callers, not to libcurl's connection limits.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "providers/http.hpp"

namespace evalgate {

class Transport {
public:
  using Callback = std::function<void(HttpResponse)>;
  virtual ~Transport() = default;

  // Starts `request` after `delay_ms` (0 = now) and calls `on_done` exactly once with the outcome,
  // including transport failures and timeouts (never throws through the callback path).
  virtual void submit(HttpRequest request, Callback on_done, long delay_ms = 0) = 0;

  // Aborts everything queued, delayed or in flight at the moment of the call; their callbacks run
  // (on the I/O thread, shortly after) with transport_error "cancelled" and cancelled = true.
  // Returns at once, so it is safe to call from a callback; work submitted afterwards is unaffected.
  virtual void cancel_all() = 0;

  // How many times cancel_all() has been called. Work a caller holds back before submitting (the
  // flow-control queue) compares it to drop what a cancel has overtaken. Thread-safe.
  virtual std::uint64_t cancellations() const { return 0; }
};

// Called from inside a transport callback on its I/O thread: queues `action` to run on that thread
// once every response of the loop's current turn has been delivered, and returns true. Anywhere
// else it does nothing and returns false (the caller then acts at once). Lets a callback coalesce
// what it would otherwise do per response (waking another thread) into one action per turn. The
// action must not throw and must not rely on anything that a later callback of the same turn may
// free; it runs before the loop next waits, and before the transport is destroyed.
bool defer_to_turn_end(std::function<void()> action);

// Called on a transport's I/O thread (from a callback or a deferred action): runs `action` on that
// thread at `when` or just after, and returns true; anywhere else it does nothing and returns false.
// A timer without a thread of its own: what the action submits starts with no wake-up. Actions
// still waiting when the transport is destroyed run then, before the destructor returns. The action
// must not throw.
bool run_on_loop_at(std::chrono::steady_clock::time_point when, std::function<void()> action);

struct TransportOptions {
  long connect_timeout_ms = 10000;
  std::string ca_bundle; // empty = $EVALGATE_CA_BUNDLE, else the system default; CURLOPT_CAINFO
};

// Starts the I/O thread; the destructor cancels what is left, runs those callbacks and joins it.
// Callbacks must not throw; one that does is contained so the other transfers still complete.
// Per transfer: no redirects followed, http/https only, gzip/br accepted, TCP keep-alive, an empty
// `Expect:` header, response header names lower-cased, HTTP/2 over TLS multiplexed where offered,
// TLS peer and host verification always on, proxy environment variables honoured, never verbose.
// Idle easy handles are pooled (reset, not freed) so connections stay warm. curl_global_init runs
// once, on the first call.
std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options = {});

} // namespace evalgate
