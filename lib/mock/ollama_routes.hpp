#pragma once
// mock/ollama_routes: Ollama's native API as the mock provider speaks it.
//   POST /api/chat   {"model", "messages", "stream"}: streams by default, as Ollama does: NDJSON
//                    (application/x-ndjson), one {"message": {"content": word}, "done": false} line
//                    per word, then a {"done": true, "done_reason": "stop", ...} line with
//                    prompt_eval_count, eval_count and durations in nanoseconds. "stream": false
//                    answers with that final object holding the whole message.
//   POST /api/embed  {"model", "input": string | [strings], "dimensions"} →
//                    {"model", "embeddings": [[...]], "prompt_eval_count", ...}
// Durations are made up but deterministic: 1 ms per token. Errors are {"error": "text"}.
// Thread-safe. Internal to lib/mock. May use: core.

#include <string>

#include "mock/mock_routes.hpp"

namespace evalgate::mock {

HttpResponse ollama_chat(const RouteRequest& request);
HttpResponse ollama_embed(const RouteRequest& request);
HttpResponse ollama_error(int status, const std::string& message);

} // namespace evalgate::mock
