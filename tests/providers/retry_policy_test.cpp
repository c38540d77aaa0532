#include <doctest/doctest.h>

#include <chrono>

#include "fixtures.hpp"
#include "providers/redact.hpp"
#include "providers/retry_policy.hpp"

using namespace evalgate;
using evalgate::testing::read_fixture;

namespace {

HttpResponse http(long status, std::string body = "{}",
                  std::vector<std::pair<std::string, std::string>> headers = {})
{
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

std::chrono::system_clock::time_point at(int year, unsigned month, unsigned day, int h, int m, int s)
{
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}} + hours{h} +
         minutes{m} + seconds{s};
}

} // namespace

TEST_CASE("retryable and permanent statuses are classified as the policy table says")
{
  struct Row {
    long status;
    FailureKind failure;
    bool retryable;
  };
  const Row rows[] = {
    {400, FailureKind::http_4xx, false}, {401, FailureKind::http_4xx, false}, {402, FailureKind::http_4xx, false},
    {403, FailureKind::http_4xx, false}, {404, FailureKind::http_4xx, false}, {408, FailureKind::http_4xx, true},
    {409, FailureKind::http_4xx, true},  {413, FailureKind::http_4xx, false}, {422, FailureKind::http_4xx, false},
    {429, FailureKind::rate_limited, true}, {500, FailureKind::http_5xx, true}, {502, FailureKind::http_5xx, true},
    {503, FailureKind::http_5xx, true},  {504, FailureKind::http_5xx, true},  {529, FailureKind::http_5xx, true},
  };
  for (const auto& row : rows) {
    CAPTURE(row.status);
    const auto decision = classify_response(http(row.status));
    CHECK(decision.failure == row.failure);
    CHECK(decision.retryable == row.retryable);
  }
}

TEST_CASE("a 2xx response is not a failure")
{
  const auto decision = classify_response(http(200));
  CHECK(decision.failure == FailureKind::none);
  CHECK_FALSE(decision.retryable);
  CHECK(decision.message.empty());
}

TEST_CASE("429 and 529 back off with the long cap, other statuses with the short one")
{
  CHECK(classify_response(http(429)).long_cap);
  CHECK(classify_response(http(529)).long_cap);
  CHECK_FALSE(classify_response(http(503)).long_cap);
}

TEST_CASE("an exhausted quota is never retried, whatever the status says")
{
  const auto openai = classify_response(http(429, read_fixture("openai_error_429_quota.json")));
  CHECK(openai.failure == FailureKind::rate_limited);
  CHECK_FALSE(openai.retryable);
  CHECK(openai.message == "HTTP 429: You exceeded your current quota, please check your plan and billing details.");

  const std::string anthropic =
    R"({"type":"error","error":{"type":"rate_limit_error","message":"Spend limit reached","details":{"error_code":"enforced_spend_limit_reached"}}})";
  CHECK_FALSE(classify_response(http(429, anthropic)).retryable);
  CHECK_FALSE(classify_response(http(429, anthropic, {{"x-should-retry", "true"}})).retryable);

  const auto rate = classify_response(http(429, read_fixture("openai_error_429_rate.json")));
  CHECK(rate.retryable);
}

TEST_CASE("x-should-retry overrides the status rule")
{
  CHECK_FALSE(classify_response(http(503, "{}", {{"x-should-retry", "false"}})).retryable);
  CHECK(classify_response(http(418, "{}", {{"x-should-retry", "true"}})).retryable);
}

TEST_CASE("400, 401, 403, 404, 413 and 422 are never retried, even when the server says x-should-retry: true")
{
  for (const long status : {400L, 401L, 403L, 404L, 413L, 422L}) {
    CAPTURE(status);
    CHECK_FALSE(classify_response(http(status, "{}")).retryable);
    CHECK_FALSE(classify_response(http(status, "{}", {{"x-should-retry", "true"}})).retryable);
  }
}

TEST_CASE("Gemini's RetryInfo retryDelay in a 429 body is the wait hint when no header gives one")
{
  const std::string body =
    R"({"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED","details":[)"
    R"({"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[]},)"
    R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}})";
  const auto decision = classify_response(http(429, body));
  CHECK(decision.retryable);
  REQUIRE(decision.hint_ms.has_value());
  CHECK(*decision.hint_ms == doctest::Approx(37000));
  // A header still wins over the body.
  CHECK(*classify_response(http(429, body, {{"retry-after-ms", "250"}})).hint_ms == doctest::Approx(250));
}

TEST_CASE("Go-style durations of rate-limit headers parse to milliseconds")
{
  CHECK(*parse_duration_ms("37s") == doctest::Approx(37000));
  CHECK(*parse_duration_ms("1.5s") == doctest::Approx(1500));
  CHECK(*parse_duration_ms("12ms") == doctest::Approx(12));
  CHECK(*parse_duration_ms("6m0s") == doctest::Approx(360000));
  CHECK(*parse_duration_ms("1h2m3s") == doctest::Approx(3723000));
  CHECK(*parse_duration_ms("2") == doctest::Approx(2000));
  CHECK_FALSE(parse_duration_ms("soon").has_value());
  CHECK_FALSE(parse_duration_ms("").has_value());
  CHECK_FALSE(parse_duration_ms("5 parsecs").has_value());
}

TEST_CASE("RFC 3339 resets of anthropic-ratelimit headers parse with Z, offsets and fractions")
{
  using namespace std::chrono;
  const auto base = sys_days{year{2026} / 11 / 23} + hours{19} + minutes{30};
  CHECK(*parse_rfc3339("2026-11-23T19:30:00Z") == base);
  CHECK(*parse_rfc3339("2026-11-23T20:30:00+01:00") == base);
  CHECK(*parse_rfc3339("2026-11-23T19:30:00.500Z") == base + milliseconds{500});
  CHECK_FALSE(parse_rfc3339("2026-11-23 nonsense").has_value());
  CHECK_FALSE(parse_rfc3339("2026-13-01T00:00:00Z").has_value());
}

TEST_CASE("transport failures are network or timeout; cancellations and permanent ones are final")
{
  HttpResponse refused;
  refused.transport_error = "Failed to connect to 127.0.0.1 port 9: Connection refused";
  auto decision = classify_response(refused);
  CHECK(decision.failure == FailureKind::network);
  CHECK(decision.retryable);
  CHECK(decision.message == "Failed to connect to 127.0.0.1 port 9: Connection refused");

  HttpResponse timed_out;
  timed_out.transport_error = "Operation timed out after 100 milliseconds with 0 bytes received";
  timed_out.timed_out = true;
  decision = classify_response(timed_out);
  CHECK(decision.failure == FailureKind::timeout);
  CHECK(decision.retryable);

  HttpResponse cancelled;
  cancelled.transport_error = "cancelled";
  cancelled.cancelled = true;
  decision = classify_response(cancelled);
  CHECK(decision.failure == FailureKind::network);
  CHECK_FALSE(decision.retryable);

  HttpResponse malformed;
  malformed.transport_error = "URL using bad/illegal format or missing URL";
  malformed.transport_permanent = true;
  CHECK_FALSE(classify_response(malformed).retryable);
}

TEST_CASE("a transport error wins over a partial status")
{
  HttpResponse partial = http(200, "{\"choi");
  partial.transport_error = "transfer closed with 100 bytes remaining to read";
  const auto decision = classify_response(partial);
  CHECK(decision.failure == FailureKind::network);
  CHECK(decision.retryable);
}

TEST_CASE("an HTTP error message quotes the provider's own words")
{
  CHECK(classify_response(http(401, read_fixture("openai_error_401.json"))).message ==
        "HTTP 401: Incorrect API key provided: sk-test***************************cdef. You can find your API key at "
        "https://platform.openai.com/account/api-keys.");
  CHECK(classify_response(http(404, R"({"error":"model 'llama9' not found, try pulling it first"})")).message ==
        "HTTP 404: model 'llama9' not found, try pulling it first");
  CHECK(classify_response(http(400, R"({"object":"error","message":"max_tokens too large","type":"BadRequestError"})"))
          .message == "HTTP 400: max_tokens too large");
  CHECK(classify_response(http(502, "<html>\n<body>Bad Gateway</body>\n</html>\n")).message ==
        "HTTP 502: <html> <body>Bad Gateway</body> </html>");
  CHECK(classify_response(http(503, "")).message == "HTTP 503: (empty body)");
}

TEST_CASE("a long non-JSON error body is cut at 300 bytes without splitting a character")
{
  const std::string body = std::string(299, 'x') + "\xC3\xA9" + std::string(50, 'y');
  const auto message = provider_error_message(body);
  CHECK(message == std::string(299, 'x'));
}

TEST_CASE("a redirect is reported, never followed")
{
  const auto decision = classify_response(http(301, "", {{"location", "https://other.example/v1"}}));
  CHECK(decision.failure == FailureKind::http_4xx);
  CHECK_FALSE(decision.retryable);
  CHECK(decision.message ==
        "HTTP 301: redirect to 'https://other.example/v1' not followed; point base_url at the final address");
}

TEST_CASE("retry-after-ms is read as float milliseconds and wins over retry-after")
{
  const auto now = std::chrono::system_clock::now();
  CHECK(parse_retry_after(http(429, "{}", {{"retry-after-ms", "1500.5"}, {"retry-after", "9"}}), now) == 1500.5);
}

TEST_CASE("retry-after is read as float seconds")
{
  const auto now = std::chrono::system_clock::now();
  CHECK(parse_retry_after(http(429, "{}", {{"retry-after", "2"}}), now) == 2000.0);
  CHECK(parse_retry_after(http(429, "{}", {{"retry-after", " 0.25 "}}), now) == 250.0);
  CHECK(parse_retry_after(http(429, "{}", {{"retry-after", "0"}}), now) == 0.0);
}

TEST_CASE("retry-after as an HTTP-date is the time left until that date")
{
  const auto now = at(2026, 3, 1, 12, 0, 0);
  CHECK(parse_retry_after(http(503, "{}", {{"retry-after", "Sun, 01 Mar 2026 12:00:30 GMT"}}), now) == 30000.0);
  // A date in the past means "now".
  CHECK(parse_retry_after(http(503, "{}", {{"retry-after", "Sun, 01 Mar 2026 11:00:00 GMT"}}), now) == 0.0);
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == at(1994, 11, 6, 8, 49, 37));
}

TEST_CASE("unparseable or negative retry hints are ignored")
{
  const auto now = std::chrono::system_clock::now();
  CHECK_FALSE(parse_retry_after(http(429, "{}", {{"retry-after", "soon"}}), now).has_value());
  CHECK_FALSE(parse_retry_after(http(429, "{}", {{"retry-after-ms", "-1"}}), now).has_value());
  CHECK_FALSE(parse_retry_after(http(429, "{}", {{"retry-after", "Sun, 31 Feb 2026 12:00:00 GMT"}}), now).has_value());
  CHECK_FALSE(parse_retry_after(http(429), now).has_value());
  CHECK_FALSE(parse_http_date("06 Nov 1994 08:49:37 GMT").has_value());
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST").has_value());
}

TEST_CASE("classification carries the server's wait hint")
{
  const auto decision = classify_response(http(429, "{}", {{"retry-after", "3"}}));
  REQUIRE(decision.hint_ms.has_value());
  CHECK(*decision.hint_ms == 3000.0);
}

TEST_CASE("exponential backoff stays within half and all of min(cap, base * 2^n)")
{
  RetryDecision server_error;
  server_error.failure = FailureKind::http_5xx;
  server_error.retryable = true;
  CHECK(compute_backoff(server_error, 0, 500, 0.0).delay_ms == 250.0);
  CHECK(compute_backoff(server_error, 0, 500, 1.0).delay_ms == 500.0);
  CHECK(compute_backoff(server_error, 2, 500, 0.0).delay_ms == 1000.0);
  CHECK(compute_backoff(server_error, 2, 500, 1.0).delay_ms == 2000.0);
  // The short cap (8 s) applies to everything but 429/529.
  CHECK(compute_backoff(server_error, 10, 500, 1.0).delay_ms == 8000.0);
  CHECK(compute_backoff(server_error, 10, 500, 0.0).delay_ms == 4000.0);

  RetryDecision rate_limited = server_error;
  rate_limited.failure = FailureKind::rate_limited;
  rate_limited.long_cap = true;
  CHECK(compute_backoff(rate_limited, 10, 500, 1.0).delay_ms == 30000.0);
  CHECK(compute_backoff(rate_limited, 10, 500, 0.0).delay_ms == 15000.0);
  for (int n = 0; n < 40; ++n) {
    const double delay = compute_backoff(rate_limited, n, 500, 0.5).delay_ms;
    CHECK(delay > 0.0);
    CHECK(delay <= 30000.0);
  }
}

TEST_CASE("a server hint is honoured with at most 10% (and 1 s) of jitter")
{
  RetryDecision decision;
  decision.failure = FailureKind::rate_limited;
  decision.retryable = true;
  decision.hint_ms = 2000.0;
  CHECK(compute_backoff(decision, 0, 500, 0.0).delay_ms == 2000.0);
  CHECK(compute_backoff(decision, 0, 500, 1.0).delay_ms == 2200.0);
  decision.hint_ms = 60000.0;
  CHECK(compute_backoff(decision, 3, 500, 1.0).delay_ms == 61000.0);
  // A zero hint ("retry now") falls back to the exponential schedule rather than hammering.
  decision.hint_ms = 0.0;
  CHECK(compute_backoff(decision, 0, 10, 1.0).delay_ms == 10.0);
}

TEST_CASE("a server hint over 120 seconds gives up at once")
{
  RetryDecision decision;
  decision.failure = FailureKind::rate_limited;
  decision.retryable = true;
  decision.hint_ms = 300000.0;
  const auto step = compute_backoff(decision, 0, 500, 0.5);
  CHECK(step.give_up);
  CHECK(step.message == "provider asked to wait 300s");
  decision.hint_ms = 120000.0;
  CHECK_FALSE(compute_backoff(decision, 0, 500, 0.5).give_up);
}

TEST_CASE("secrets and their masked echoes are redacted from stored text")
{
  const std::string key = "sk-test-0123456789abcdef";
  CHECK(redact_secrets("bad key sk-test-0123456789abcdef here", {key}) == "bad key *** here");
  CHECK(redact_secrets("Incorrect API key provided: sk-test***************************cdef. You can", {key}) ==
        "Incorrect API key provided: ***. You can");
  CHECK(redact_secrets("an ordinary * star and cdef", {key}) == "an ordinary * star and cdef");
  CHECK(redact_secrets("short abc", {"abc"}) == "short abc");
}

TEST_CASE("partial keys echoed with dots or an ellipsis are redacted too")
{
  const std::string key = "sk-test-0123456789abcdef";
  CHECK(redact_secrets("Incorrect API key provided: sk-...cdef.", {key}) == "Incorrect API key provided: ***.");
  CHECK(redact_secrets("key sk-tes...cdef rejected", {key}) == "key *** rejected");
  CHECK(redact_secrets("key \"sk-t\xE2\x80\xA6" "cdef\" rejected", {key}) == "key \"***\" rejected");
  CHECK(redact_secrets("{\"message\":\"key sk-VKMIs***...cdef is invalid\"}", {key}) ==
        "{\"message\":\"key *** is invalid\"}");
  // Dots in ordinary prose are left alone.
  CHECK(redact_secrets("wait... then sk- and cdef", {key}) == "wait... then sk- and cdef");
}
