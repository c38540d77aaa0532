#pragma once
// mock/gemini_routes: the Gemini API (v1beta) as the mock provider speaks it. The model is the
// path's ({model} in /v1beta/models/{model}:method).
//   :generateContent        "contents" (non-empty; role "user" or absent = user) → one
//                           GenerateContentResponse: one candidate, finishReason STOP, usageMetadata.
//   :streamGenerateContent  ?alt=sse: data-only SSE events ("\r\n\r\n" ends each, as Google's
//                           servers send), one word each, the last with finishReason and
//                           usageMetadata, no [DONE]; without alt=sse a JSON array of the same chunks.
//   :embedContent           {"content": {"parts": [{"text"}]}} → {"embedding": {"values"}}
//   :batchEmbedContents     {"requests": [...]} → {"embeddings": [{"values"}...]}
// "outputDimensionality" (1 to 8192) overrides the server's embedding size.
// Thread-safe. Internal to lib/mock. May use: core.

#include <string>

#include "mock/mock_routes.hpp"

namespace evalgate::mock {

HttpResponse gemini_generate(const RouteRequest& request, const std::string& model, bool stream);
HttpResponse gemini_embed(const RouteRequest& request, bool batch);

// {"error": {"code": status, "message", "status": <"INVALID_ARGUMENT", "RESOURCE_EXHAUSTED", ...>}}
// plus `details` when given.
HttpResponse gemini_error(int status, const std::string& message, const Json& details = nullptr);

} // namespace evalgate::mock
