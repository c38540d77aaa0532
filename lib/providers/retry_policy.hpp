#pragma once
// providers/retry_policy: what a finished HTTP attempt means and how long to wait before the next
// one (DESIGN.md "Retries"; reference providers.md §2.5–2.6). Pure functions, thread-safe.
//
// Retried: transport errors and timeouts, 408, 409, 429, 5xx and 529 (unless the server says
// `x-should-retry: false`). Never retried: other 4xx, quota-exhausted 429s (`insufficient_quota`,
// Anthropic's `enforced_spend_limit_reached`), cancellations, permanent transport failures.
// Server hints: `retry-after-ms` (float ms) wins over `retry-after` (float seconds or HTTP-date),
// then Gemini's body hint error.details[RetryInfo].retryDelay ("37s"). 400, 401, 403, 404, 413 and
// 422 are never retried, whatever x-should-retry says.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"
#include "providers/http.hpp"

namespace evalgate {

struct RetryDecision {
  FailureKind failure = FailureKind::none; // none = a 2xx response, ready to decode
  bool retryable = false;
  std::optional<double> hint_ms; // the server's requested wait, when it sent one
  bool long_cap = false;         // 429/529: back off up to 30 s instead of 8 s
  std::string message;           // "HTTP 401: Incorrect API key provided" (not yet redacted)
};

// `now` resolves HTTP-date hints; tests pass a fixed clock.
RetryDecision classify_response(const HttpResponse& response,
                                std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The server's wait hint in milliseconds (headers, then Gemini's RetryInfo in the body), or nullopt
// when absent, unparseable or negative.
std::optional<double> parse_retry_after(const HttpResponse& response, std::chrono::system_clock::time_point now);

// Go-style durations as rate-limit headers and Gemini's retryDelay send them: "37s", "1.5s",
// "12ms", "6m0s", "1h2m3s"; a bare number is seconds. nullopt when it is none of these.
std::optional<double> parse_duration_ms(std::string_view text);

// RFC 3339 timestamps ("2026-11-23T19:30:00Z", fractional seconds and ±hh:mm offsets allowed), the
// form of anthropic-ratelimit-*-reset.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, the form HTTP/1.1 servers send) → time point.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// The provider's own words from an error body: `error.message` of {"error":{...}}, the string of
// {"error":"text"}, a top-level `message`, else the first 300 bytes of the body (never splitting a
// UTF-8 sequence), or "(empty body)".
std::string provider_error_message(std::string_view body);

struct BackoffStep {
  bool give_up = false; // the server asked for more than k_max_server_wait_ms
  double delay_ms = 0;
  std::string message;  // set when give_up: "provider asked to wait 300s"
};

constexpr double k_max_server_wait_ms = 120000;

// Delay before retry number `retries_taken` + 1 (0 = the first retry). `jitter` is a uniform draw
// in [0, 1): with a hint h (0 < h <= 120 s) the delay is h + jitter·min(1 s, 0.1·h); without one it
// is min(cap, base_ms·2^n)·(0.5 + 0.5·jitter), cap 30 s when decision.long_cap else 8 s.
BackoffStep compute_backoff(const RetryDecision& decision, int retries_taken, long base_ms, double jitter);

} // namespace evalgate
