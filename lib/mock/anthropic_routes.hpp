#pragma once
// mock/anthropic_routes: the Anthropic Messages API as the mock provider speaks it.
// POST /v1/messages needs "max_tokens" and a non-empty "messages" array; the reply comes from the
// answers file (matched on the last user message's text blocks) or echoes that text. The answer is
// a `message` with one text block and usage {input_tokens, output_tokens,
// cache_creation_input_tokens, cache_read_input_tokens}; with "stream": true it is named SSE
// events message_start, content_block_start, ping, content_block_delta (one per word),
// content_block_stop, message_delta, message_stop.
//
// Prompt caching: the text up to and including the last block marked "cache_control" (system or
// messages) is the cached prefix. The first request with a given prefix reports its words as
// cache_creation_input_tokens, later ones as cache_read_input_tokens; input_tokens counts the rest
// (as the real API, input_tokens excludes cache reads and writes).
// Thread-safe. Internal to lib/mock. May use: core.

#include <mutex>
#include <string>
#include <unordered_set>

#include "mock/mock_routes.hpp"

namespace evalgate::mock {

// Which cached prompt prefixes the server has seen. Bounded: past k_max_entries it forgets all
// (the next request per prefix then writes again, as after a real cache expiry).
class PromptCacheLedger {
public:
  static constexpr std::size_t k_max_entries = 10000;
  // True the first time `prefix` is seen.
  bool first_use(const std::string& prefix);

private:
  std::mutex m_mutex;
  std::unordered_set<std::string> m_seen;
};

HttpResponse anthropic_messages(const RouteRequest& request);

// {"type": "error", "error": {"type": <type for status>, "message": ...}, "request_id": ...}
HttpResponse anthropic_error(int status, const std::string& message);

} // namespace evalgate::mock
