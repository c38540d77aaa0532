#pragma once
// mock/openai_routes: the OpenAI-shaped bodies the mock provider sends. Pure functions from a
// parsed request body to an HttpResponse: chat completions (answers file or echo; SSE when
// "stream": true), embeddings, the error shape {"error": {"message", "type", "code"}} and the
// fault answers. Token counts are whitespace-word counts, at least 1.
// Thread-safe (no state). Internal to lib/mock. May use: core.

#include <cstdint>
#include <string>

#include "core/types.hpp"
#include "mock/answers.hpp"
#include "mock/http_message.hpp"
#include "mock/mock_server.hpp"

namespace evalgate::mock {

HttpResponse error_response(int status, const std::string& message, const std::string& type,
                            const std::string& code);

// 401 for a missing or wrong key. Never mentions the key that was sent.
HttpResponse invalid_api_key_response();

// The answer of an HTTP-status fault (401, 429, 500, 503, 529); 429 carries `retry-after` when
// retry_after_s >= 0.
HttpResponse http_fault_response(MockFault fault, double retry_after_s);

// The same response with its body cut short: still valid HTTP, no longer valid JSON.
HttpResponse malformed_response(HttpResponse response);

// The model named in a request body ("" when absent or not a string).
std::string request_model(const Json& body);

// POST /v1/chat/completions. `serial` makes the completion id unique within the server. `cut`
// (a stream_cut fault) ends a stream halfway, without the finish chunk and `data: [DONE]`.
HttpResponse chat_completion(const Json& body, const AnswerBook& answers, std::uint64_t serial,
                             bool cut = false);

// POST /v1/embeddings. `default_dims` applies unless the request asks for "dimensions".
HttpResponse embeddings(const Json& body, int default_dims);

} // namespace evalgate::mock
