#include "providers/wire_support.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "core/env.hpp"
#include "core/json_depth.hpp"

namespace evalgate {

namespace {

bool same_name(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

Unexpected option_error(const ProviderSpec& spec, const std::string& message)
{
  return fail(ErrorCategory::config, fmt::format("provider '{}': {}", spec.id, message), spec.location);
}

// The variables a value refers to as ${NAME}: their values are secrets once expanded.
void collect_env_values(std::string_view text, std::vector<std::string>& out)
{
  std::size_t pos = 0;
  while ((pos = text.find("${", pos)) != std::string_view::npos) {
    const std::size_t close = text.find('}', pos + 2);
    if (close == std::string_view::npos) {
      return;
    }
    const std::string value = env_value(std::string(text.substr(pos + 2, close - pos - 2)));
    if (!value.empty()) {
      out.push_back(value);
    }
    pos = close + 1;
  }
}

} // namespace

std::string env_value(const std::string& name)
{
  const char* value = std::getenv(name.c_str());
  return value != nullptr ? std::string(value) : std::string();
}

std::string trim_trailing_slashes(std::string url)
{
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

Result<void> check_common_spec(const ProviderSpec& spec)
{
  if (spec.timeout_ms <= 0) {
    return option_error(
        spec, fmt::format("timeout_ms must be a positive number of milliseconds, got {}", spec.timeout_ms));
  }
  if (!spec.params.is_null() && !spec.params.is_object()) {
    return option_error(spec, "'params' must be a mapping (temperature, seed, max_tokens, ...)");
  }
  if (spec.params.is_object() && spec.params.contains("stream")) {
    return option_error(spec, "'stream' belongs in the provider block (stream: true), not in params");
  }
  return {};
}

Result<bool> stream_option(const ProviderSpec& spec)
{
  const auto it = spec.options.find("stream");
  if (it == spec.options.end() || it->is_null()) {
    return false;
  }
  if (!it->is_boolean()) {
    return option_error(spec, fmt::format("'stream' must be true or false, got {}", to_json_text(*it)));
  }
  return it->get<bool>();
}

Result<std::optional<std::string>> string_option(const ProviderSpec& spec, const char* key)
{
  const auto it = spec.options.find(key);
  if (it == spec.options.end() || it->is_null()) {
    return std::optional<std::string>();
  }
  if (!it->is_string()) {
    return option_error(spec, fmt::format("'{}' must be a string, got {}", key, to_json_text(*it)));
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<HeaderList> headers_option(const ProviderSpec& spec, std::vector<std::string>& secrets)
{
  HeaderList headers;
  const auto it = spec.options.find("headers");
  if (it == spec.options.end() || it->is_null()) {
    return headers;
  }
  if (!it->is_object()) {
    return option_error(
        spec, fmt::format("'headers' must be a mapping of header name to value, got {}", to_json_text(*it)));
  }
  for (const auto& [name, value] : it->items()) {
    if (name.empty() || name.find_first_of(" :\r\n") != std::string::npos) {
      return option_error(spec, fmt::format("headers: '{}' is not a valid header name", name));
    }
    if (!value.is_string() && !value.is_number() && !value.is_boolean()) {
      return option_error(spec,
                          fmt::format("headers.{} must be a string, got {}", name, to_json_text(value)));
    }
    const std::string raw = value.is_string() ? value.get<std::string>() : value.dump();
    auto expanded = expand_env(raw);
    if (!expanded) {
      return option_error(spec, fmt::format("headers.{}: {}", name, expanded.error().message));
    }
    if (expanded->find_first_of("\r\n") != std::string::npos) {
      return option_error(spec, fmt::format("headers.{}: a header value may not contain a line break", name));
    }
    collect_env_values(raw, secrets);
    headers.emplace_back(name, std::move(*expanded));
  }
  return headers;
}

void apply_headers(HeaderList& headers, const HeaderList& extra)
{
  for (const auto& [name, value] : extra) {
    bool replaced = false;
    for (auto& existing : headers) {
      if (same_name(existing.first, name)) {
        existing = {name, value};
        replaced = true;
      }
    }
    if (!replaced) {
      headers.emplace_back(name, value);
    }
  }
}

Result<std::string> resolve_api_key(const ProviderSpec& spec, const KeyRule& rule, bool default_base_url)
{
  if (!spec.api_key_env.empty()) {
    std::string key = env_value(spec.api_key_env);
    if (key.empty()) {
      return fail(ErrorCategory::config,
                  fmt::format("environment variable {} (api_key_env of provider '{}') is not set",
                              spec.api_key_env, spec.id),
                  spec.location);
    }
    return key;
  }
  if (rule.default_env.empty()) {
    return std::string();
  }
  std::string key = env_value(rule.default_env);
  if (key.empty() && rule.required && default_base_url) {
    return fail(
        ErrorCategory::config,
        fmt::format("environment variable {} is not set; provider '{}' needs it (or set api_key_env / "
                    "base_url)",
                    rule.default_env, spec.id),
        spec.location);
  }
  return key;
}

std::string to_json_text(const Json& value)
{
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Json> parse_body(std::string_view body)
{
  if (auto deep = json_depth_exceeded(body)) {
    return fail(ErrorCategory::data, "malformed response: body " + json_depth_message(*deep));
  }
  auto parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    return fail(ErrorCategory::data,
                fmt::format("malformed response: body is not JSON ({} bytes)", body.size()));
  }
  return parsed;
}

namespace {

// Token counts are clamped to [0, k_max_token_count]: far above any real response, and low enough
// that sums of a few counts cannot overflow.
constexpr std::int64_t k_max_token_count = 1'000'000'000'000;

} // namespace

// Negative counts are 0, fractions are truncated, larger values are k_max_token_count.
std::int64_t count_at(const Json& object, const char* name)
{
  if (!object.is_object()) {
    return 0;
  }
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number()) {
    return 0;
  }
  // Clamped, so a hostile or broken server's count can neither overflow the sums callers form
  // (signed overflow is UB) nor be cast from an out-of-range double (UB too; fuzz_decode_*).
  if (it->is_number_unsigned()) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(it->get<std::uint64_t>(), k_max_token_count));
  }
  if (it->is_number_integer()) {
    return std::clamp<std::int64_t>(it->get<std::int64_t>(), 0, k_max_token_count);
  }
  const double count = it->get<double>();
  if (!(count > 0)) {
    return 0; // negative, zero or NaN
  }
  return count >= static_cast<double>(k_max_token_count) ? k_max_token_count
                                                         : static_cast<std::int64_t>(count);
}

std::optional<std::string> error_member_message(const Json& body)
{
  if (!body.is_object()) {
    return std::nullopt;
  }
  const auto error = body.find("error");
  if (error == body.end() || error->is_null()) {
    return std::nullopt;
  }
  if (error->is_string()) {
    return error->get<std::string>();
  }
  if (error->is_object() && error->contains("message") && (*error)["message"].is_string()) {
    return (*error)["message"].get<std::string>();
  }
  return to_json_text(*error);
}

Result<Completion> decode_whole_stream(StreamDecoder& decoder, std::string_view body)
{
  if (auto ok = decoder.feed(body); !ok) {
    return fail(ok.error());
  }
  return decoder.finish();
}

Result<std::vector<float>> float_vector(const Json& values)
{
  if (!values.is_array()) {
    return fail(ErrorCategory::data, "is not an array of numbers");
  }
  std::vector<float> out;
  out.reserve(values.size());
  for (const auto& value : values) {
    if (!value.is_number()) {
      return fail(ErrorCategory::data, "holds a value that is not a number");
    }
    out.push_back(value.get<float>());
  }
  return out;
}

std::string content_text(const Json& content)
{
  if (content.is_string()) {
    return content.get<std::string>();
  }
  std::string text;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (part.is_object() && part.contains("text") && part["text"].is_string()) {
        text += part["text"].get<std::string>();
      }
    }
  }
  return text;
}

} // namespace evalgate
