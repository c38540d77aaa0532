#pragma once
// providers/anthropic_provider: Anthropic Messages (providers.md §1.4). Pure; immutable.
//
// Request: POST {base_url}/v1/messages (default base https://api.anthropic.com), headers
// `x-api-key: <key>` (api_key_env, default ANTHROPIC_API_KEY), `anthropic-version: 2023-06-01`,
// `content-type: application/json`. Body {"model", "max_tokens", "system", "messages",
// ...params}: system (and developer) messages are lifted into `system` (joined by a blank line);
// max_tokens comes from params, else k_anthropic_default_max_tokens (the API requires it); params
// (temperature, top_p, top_k, stop_sequences, tools, tool_choice, thinking, ...) pass through as
// written. `stream: true` streams (SSE); stream_decoder() is non-null exactly then. No embeddings.
//
// Decoding: text blocks are joined into the text; tool_use blocks become Completion.raw
// "tool_calls" in OpenAI's shape ({"id","type":"function","function":{"name","arguments":JSON
// string}}); stop_reason becomes raw "finish_reason". Usage is normalised: Anthropic's
// input_tokens exclude cache reads and writes, so prompt_tokens = input_tokens +
// cache_read_input_tokens + cache_creation_input_tokens and cached_tokens = cache_read_input_tokens.

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/provider.hpp"

namespace evalgate {

inline constexpr const char* k_anthropic_default_base_url = "https://api.anthropic.com";
inline constexpr const char* k_anthropic_version = "2023-06-01";
inline constexpr int k_anthropic_default_max_tokens = 4096;

// Errors are category config at spec.location (missing model, missing ANTHROPIC_API_KEY with the
// default base URL, bad option values).
Result<std::shared_ptr<const Provider>> make_anthropic_provider(const ProviderSpec& spec);

// Named-event SSE decoder: message_start → content_block_* → message_delta → message_stop (the
// final marker; without it the stream is a failure). An `error` event fails the stream.
std::unique_ptr<StreamDecoder> make_anthropic_stream_decoder();

// Anthropic `usage` (message or cumulative message_delta) normalised as described above.
Usage anthropic_usage(const Json& usage);

// A tool_use content block as an OpenAI-shaped tool call.
Json anthropic_tool_call(const std::string& id, const std::string& name, const std::string& arguments);

} // namespace evalgate
