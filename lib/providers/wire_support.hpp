#pragma once
// providers/wire_support: what every wire-format provider shares — reading the provider block's
// option values (errors are category config at spec.location, naming the provider id and key),
// API keys from the environment, extra headers, JSON body helpers, and decoding a whole streamed
// body. Pure functions (the environment is read only by the factories, at load). May use: core.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/http.hpp"
#include "providers/provider.hpp"

namespace evalgate {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

std::string env_value(const std::string& name);
std::string trim_trailing_slashes(std::string url);

// Checks shared by the model providers: timeout_ms > 0, params a mapping, and no `stream` in params
// (streaming is the provider block's `stream: true`, so encoder and decoder agree).
Result<void> check_common_spec(const ProviderSpec& spec);

// The `stream` option (default false); anything but a boolean is an error.
Result<bool> stream_option(const ProviderSpec& spec);
// A string option; nullopt when absent, an error when not a string.
Result<std::optional<std::string>> string_option(const ProviderSpec& spec, const char* key);

// The common `headers` option: a mapping of header name to string (numbers and booleans are
// written as text); `${ENV}` in values is expanded now. `secrets` receives the values of the
// variables used, so they are scrubbed like keys.
Result<HeaderList> headers_option(const ProviderSpec& spec, std::vector<std::string>& secrets);

// Sets each header of `extra` on `headers`, replacing one of the same name (ASCII case-insensitive):
// the user's explicit header wins over the provider's default.
void apply_headers(HeaderList& headers, const HeaderList& extra);

struct KeyRule {
  std::string default_env; // e.g. "ANTHROPIC_API_KEY"; empty = the type has no default
  bool required = false;   // with the type's default base URL, a missing key is an error
};

// The API key: from api_key_env when set (then it must be set), else from the rule's variable.
// Required only when the rule says so and the base URL is the type's default (a custom base_url is
// usually a local server or the mock). Errors:
//   environment variable MY_KEY (api_key_env of provider 'gpt') is not set
//   environment variable X is not set; provider 'gpt' needs it (or set api_key_env / base_url)
Result<std::string> resolve_api_key(const ProviderSpec& spec, const KeyRule& rule, bool default_base_url);

// Compact JSON with invalid UTF-8 replaced (rendered prompts may carry it from data files).
std::string to_json_text(const Json& value);

// Parses a 2xx body; errors say what was expected.
Result<Json> parse_body(std::string_view body);

// An integer token count at `object[name]`, 0 when absent or not a number.
std::int64_t count_at(const Json& object, const char* name);

// The message of an `error` member ({"error":{"message":...}} or {"error":"text"}), or nullopt.
std::optional<std::string> error_member_message(const Json& body);

// Decodes a complete streamed body (e.g. a cached or non-incremental transfer) with `decoder`.
Result<Completion> decode_whole_stream(StreamDecoder& decoder, std::string_view body);

// A JSON array of numbers as floats; an error names what was wrong.
Result<std::vector<float>> float_vector(const Json& values);

// Runs `f` (a decoder step returning a Result), turning a JSON type error thrown by a lookup on an
// unexpected shape into a data error: decoders never throw across the module boundary.
template <typename F>
auto guard_json(F&& f) -> decltype(f())
{
  try {
    return f();
  } catch (const Json::exception& error) {
    return fail(ErrorCategory::data, std::string("malformed response: ") + error.what());
  }
}

// A whole (non-streamed) 2xx body decoded by the accumulator the provider's stream decoder also
// feeds (Gemini, Ollama: the same JSON object arrives whole or as stream chunks).
template <typename Accumulator>
Result<Completion> decode_with_accumulator(std::string_view body)
{
  auto parsed = parse_body(body);
  if (!parsed) {
    return fail(parsed.error());
  }
  Accumulator accumulator;
  if (auto ok = guard_json([&] { return accumulator.add(*parsed); }); !ok) {
    return fail(ok.error());
  }
  return accumulator.completion();
}

// The concatenated text of an OpenAI-style `content` (a string, or parts with "text").
std::string content_text(const Json& content);

} // namespace evalgate
