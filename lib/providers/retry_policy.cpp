#include "providers/retry_policy.hpp"

#include "core/json_depth.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace evalgate {

namespace {

constexpr std::size_t k_error_excerpt_bytes = 300;
constexpr double k_short_cap_ms = 8000;  // openai-python / anthropic SDK parity
constexpr double k_long_cap_ms = 30000;  // 429/529: the provider is shedding load, give it room
constexpr double k_max_hint_jitter_ms = 1000;

std::string_view trim(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<double> parse_number(std::string_view text)
{
  text = trim(text);
  if (text.empty()) {
    return std::nullopt;
  }
  // strtod needs a terminated buffer; header values are short.
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// A body that says the account is out of money or over a spend limit: waiting will not help.
bool is_quota_exhausted(std::string_view body)
{
  return body.find("insufficient_quota") != std::string_view::npos ||
         body.find("enforced_spend_limit_reached") != std::string_view::npos;
}

std::string utf8_prefix(std::string_view text, std::size_t max_bytes)
{
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  std::size_t cut = max_bytes;
  // Back off continuation bytes (10xxxxxx) so a multi-byte character is never split.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(text.substr(0, cut));
}

std::string collapse_whitespace(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  bool in_space = false;
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) {
      out.push_back(' ');
    }
    in_space = false;
    out.push_back(c);
  }
  return out;
}

FailureKind kind_for_status(long status)
{
  if (status == 429) {
    return FailureKind::rate_limited;
  }
  if (status >= 500) {
    return FailureKind::http_5xx;
  }
  return FailureKind::http_4xx;
}

// Requests the server rejected as such: sending them again cannot succeed.
bool status_is_never_retried(long status)
{
  return status == 400 || status == 401 || status == 403 || status == 404 || status == 413 || status == 422;
}

// Gemini puts its wait in the error body:
// {"error":{"details":[{"@type":"...RetryInfo","retryDelay":"37s"}]}}.
std::optional<double> gemini_retry_delay(std::string_view body)
{
  if (body.find("retryDelay") == std::string_view::npos) {
    return std::nullopt;
  }
  const auto parsed = parse_json_bounded(body);
  if (!parsed.is_object() || !parsed.contains("error") || !parsed["error"].is_object()) {
    return std::nullopt;
  }
  const auto& error = parsed["error"];
  const auto details = error.find("details");
  if (details == error.end() || !details->is_array()) {
    return std::nullopt;
  }
  for (const auto& detail : *details) {
    if (detail.is_object() && detail.contains("retryDelay") && detail["retryDelay"].is_string()) {
      return parse_duration_ms(detail["retryDelay"].get<std::string>());
    }
  }
  return std::nullopt;
}

bool status_is_retryable(long status)
{
  return status == 408 || status == 409 || status == 429 || status >= 500;
}

} // namespace

std::optional<double> parse_duration_ms(std::string_view text)
{
  text = trim(text);
  if (text.empty()) {
    return std::nullopt;
  }
  if (const auto bare = parse_number(text)) {
    return *bare >= 0 ? std::optional<double>(*bare * 1000.0) : std::nullopt;
  }
  double total = 0;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) {
      ++digits;
    }
    const auto value = parse_number(text.substr(0, digits));
    if (digits == 0 || !value) {
      return std::nullopt;
    }
    text.remove_prefix(digits);
    double unit = 0;
    if (text.starts_with("ms")) {
      unit = 1;
      text.remove_prefix(2);
    } else if (text.starts_with("s")) {
      unit = 1000;
      text.remove_prefix(1);
    } else if (text.starts_with("m")) {
      unit = 60000;
      text.remove_prefix(1);
    } else if (text.starts_with("h")) {
      unit = 3600000;
      text.remove_prefix(1);
    } else {
      return std::nullopt;
    }
    total += *value * unit;
  }
  return total;
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text)
{
  text = trim(text);
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  auto read_fixed = [&text](int& out, std::size_t width) {
    if (text.size() < width) {
      return false;
    }
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + width, out);
    if (ec != std::errc() || ptr != text.data() + width) {
      return false;
    }
    text.remove_prefix(width);
    return true;
  };
  auto expect = [&text](char c) {
    if (text.empty() || (text.front() != c && !(c == 'T' && (text.front() == 't' || text.front() == ' ')))) {
      return false;
    }
    text.remove_prefix(1);
    return true;
  };
  if (!read_fixed(year, 4) || !expect('-') || !read_fixed(month, 2) || !expect('-') || !read_fixed(day, 2) ||
      !expect('T') || !read_fixed(hour, 2) || !expect(':') || !read_fixed(minute, 2) || !expect(':') ||
      !read_fixed(second, 2)) {
    return std::nullopt;
  }
  double fraction = 0;
  if (!text.empty() && text.front() == '.') {
    std::size_t digits = 1;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
      ++digits;
    }
    fraction = parse_number("0" + std::string(text.substr(0, digits))).value_or(0);
    text.remove_prefix(digits);
  }
  int offset_minutes = 0;
  if (text == "Z" || text == "z") {
    text = {};
  } else if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    const int sign = text.front() == '-' ? -1 : 1;
    text.remove_prefix(1);
    int off_hours = 0;
    int off_minutes = 0;
    if (!read_fixed(off_hours, 2) || !expect(':') || !read_fixed(off_minutes, 2) || !text.empty()) {
      return std::nullopt;
    }
    offset_minutes = sign * (off_hours * 60 + off_minutes);
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const auto base = std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
                    std::chrono::seconds{second} - std::chrono::minutes{offset_minutes};
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      base + std::chrono::duration<double>(fraction));
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text)
{
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
  text = trim(text);
  const auto comma = text.find(',');
  if (comma == std::string_view::npos) {
    return std::nullopt;
  }
  text = trim(text.substr(comma + 1));
  static constexpr std::array<std::string_view, 12> k_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int day = 0;
  int year = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  auto read_int = [&text](int& out) {
    const auto* begin = text.data();
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, out);
    if (ec != std::errc() || ptr == begin) {
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(ptr - begin));
    return true;
  };
  auto expect = [&text](char c) {
    if (text.empty() || text.front() != c) {
      return false;
    }
    text.remove_prefix(1);
    return true;
  };
  if (!read_int(day) || !expect(' ') || text.size() < 3) {
    return std::nullopt;
  }
  const auto month_it = std::find(k_months.begin(), k_months.end(), text.substr(0, 3));
  if (month_it == k_months.end()) {
    return std::nullopt;
  }
  const auto month = static_cast<unsigned>(month_it - k_months.begin() + 1);
  text.remove_prefix(3);
  if (!expect(' ') || !read_int(year) || !expect(' ') || !read_int(hour) || !expect(':') || !read_int(minute) ||
      !expect(':') || !read_int(second)) {
    return std::nullopt;
  }
  if (trim(text) != "GMT" || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

std::optional<double> parse_retry_after(const HttpResponse& response, std::chrono::system_clock::time_point now)
{
  if (const auto* ms = response.header("retry-after-ms")) {
    if (const auto value = parse_number(*ms); value && *value >= 0) {
      return *value;
    }
  }
  if (const auto* after = response.header("retry-after")) {
    if (const auto seconds = parse_number(*after)) {
      return *seconds >= 0 ? std::optional<double>(*seconds * 1000.0) : std::nullopt;
    }
    if (const auto when = parse_http_date(*after)) {
      const auto wait = std::chrono::duration<double, std::milli>(*when - now).count();
      return std::max(0.0, wait);
    }
  }
  return gemini_retry_delay(response.body);
}

std::string provider_error_message(std::string_view body)
{
  const auto parsed = parse_json_bounded(body);
  if (parsed.is_object()) {
    const auto error = parsed.find("error");
    if (error != parsed.end()) {
      if (error->is_string() && !error->get_ref<const std::string&>().empty()) {
        return error->get<std::string>();
      }
      if (error->is_object()) {
        const auto message = error->find("message");
        if (message != error->end() && message->is_string() && !message->get_ref<const std::string&>().empty()) {
          return message->get<std::string>();
        }
      }
    }
    // vLLM and a few other compatible servers put the message at the top level.
    const auto message = parsed.find("message");
    if (message != parsed.end() && message->is_string() && !message->get_ref<const std::string&>().empty()) {
      return message->get<std::string>();
    }
  }
  const auto text = collapse_whitespace(utf8_prefix(body, k_error_excerpt_bytes));
  return text.empty() ? "(empty body)" : text;
}

RetryDecision classify_response(const HttpResponse& response, std::chrono::system_clock::time_point now)
{
  RetryDecision decision;
  if (response.replay_miss) {
    decision.failure = FailureKind::config; // the cassette lacks this request: no retry can help
    decision.message = response.transport_error;
    return decision;
  }
  if (!response.transport_error.empty() || response.cancelled) {
    decision.message = response.transport_error.empty() ? "cancelled" : response.transport_error;
    if (response.cancelled) {
      decision.failure = FailureKind::network;
      decision.retryable = false;
    } else if (response.timed_out) {
      decision.failure = FailureKind::timeout;
      decision.retryable = true;
    } else {
      decision.failure = FailureKind::network;
      decision.retryable = !response.transport_permanent;
    }
    return decision;
  }
  if (response.status >= 200 && response.status < 300) {
    return decision;
  }
  if (response.status < 200) {
    decision.failure = FailureKind::network;
    decision.retryable = true;
    decision.message = fmt::format("no usable HTTP response (status {})", response.status);
    return decision;
  }
  decision.failure = kind_for_status(response.status);
  decision.long_cap = response.status == 429 || response.status == 529;
  if (response.status >= 300 && response.status < 400) {
    // Redirects are never followed: they would re-send API-key headers to another host (providers.md §7).
    const auto* location = response.header("location");
    decision.message = fmt::format("HTTP {}: redirect to '{}' not followed; point base_url at the final address",
                                   response.status, location != nullptr ? *location : std::string());
    return decision;
  }
  decision.message = fmt::format("HTTP {}: {}", response.status, provider_error_message(response.body));
  decision.retryable = status_is_retryable(response.status);
  if (response.status == 429 && is_quota_exhausted(response.body)) {
    decision.retryable = false;
  }
  if (const auto* should_retry = response.header("x-should-retry")) {
    // The server knows best (Stainless convention, obeyed by the official SDKs) — except that we
    // never retry an exhausted quota however it is labelled.
    if (trim(*should_retry) == "true" && !is_quota_exhausted(response.body) &&
        !status_is_never_retried(response.status)) {
      decision.retryable = true;
    } else if (trim(*should_retry) == "false") {
      decision.retryable = false;
    }
  }
  decision.hint_ms = parse_retry_after(response, now);
  return decision;
}

BackoffStep compute_backoff(const RetryDecision& decision, int retries_taken, long base_ms, double jitter)
{
  jitter = std::clamp(jitter, 0.0, 1.0);
  BackoffStep step;
  if (decision.hint_ms && *decision.hint_ms > k_max_server_wait_ms) {
    step.give_up = true;
    step.message = fmt::format("provider asked to wait {}s", static_cast<long long>(std::ceil(*decision.hint_ms / 1000.0)));
    return step;
  }
  if (decision.hint_ms && *decision.hint_ms > 0) {
    const double hint = *decision.hint_ms;
    step.delay_ms = hint + jitter * std::min(k_max_hint_jitter_ms, 0.1 * hint);
    return step;
  }
  const double cap = decision.long_cap ? k_long_cap_ms : k_short_cap_ms;
  const double exponent = std::clamp(retries_taken, 0, 30);
  const double raw = static_cast<double>(std::max(0L, base_ms)) * std::pow(2.0, exponent);
  step.delay_ms = std::min(cap, raw) * (0.5 + 0.5 * jitter);
  return step;
}

} // namespace evalgate
