#pragma once
// mock/route_util: helpers shared by the wire-format route files (openai_routes, anthropic_routes,
// gemini_routes, ollama_routes): typed JSON lookups that treat a wrong type as absent, token
// counting, splitting a reply into stream pieces, and building stream bodies frame by frame (the
// frame ends let a slow_stream fault pace them). Pure functions; thread-safe.
// Internal to lib/mock. May use: core.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "mock/http_message.hpp"

namespace evalgate::mock {

HttpResponse json_response(int status, const Json& body);

// nlohmann's value() would throw on a wrong type; these answer "" / false instead.
std::string string_field(const Json& object, const char* key);
bool bool_field(const Json& object, const char* key);

// A message's text (OpenAI and Anthropic shapes): a string, or the "text" parts of an array of
// content blocks joined by '\n'; other blocks (images, tool results) are skipped.
std::string content_text(const Json& content);

// Whitespace words, at least 1 (the mock's token count).
std::int64_t tokens(std::string_view text);

// Each word with the whitespace before it, so the pieces concatenate back to `reply` exactly.
std::vector<std::string> stream_pieces(const std::string& reply);

// How many pieces a stream sends before a stream_cut fault ends it: half, rounded down.
std::size_t cut_point(std::size_t pieces);

// Appends one frame (an SSE event or an NDJSON line) to a streaming response's body.
void add_frame(HttpResponse& response, const std::string& frame);

// "2026-11-23T19:04:13.000000Z": now, UTC, as Ollama writes created_at.
std::string utc_timestamp_now();

// The value of `name` in the target's query string ("" when absent).
std::string query_parameter(const std::string& target, const std::string& name);

} // namespace evalgate::mock
