#pragma once
// mock/mock_routes: which wire format a request path speaks, and the pieces of an answer that
// depend on it (auth header, error shape, fault answers). Routes:
//   openai     POST /v1/chat/completions, /v1/embeddings (and without /v1)
//   anthropic  POST /v1/messages
//   gemini     POST /v1beta/models/{model}:generateContent | :streamGenerateContent |
//                   :embedContent | :batchEmbedContents
//   ollama     POST /api/chat, /api/embed
// Pure functions; thread-safe. Internal to lib/mock. May use: core.

#include <cstdint>
#include <optional>
#include <string>

#include "core/types.hpp"
#include "mock/answers.hpp"
#include "mock/http_message.hpp"
#include "mock/mock_server.hpp"

namespace evalgate::mock {

class PromptCacheLedger;

enum class Dialect { openai, anthropic, gemini, ollama };

enum class Operation { chat, embed, gemini_generate, gemini_stream, gemini_embed, gemini_batch_embed };

struct Route {
  Dialect dialect = Dialect::openai;
  Operation operation = Operation::chat;
  std::string name;       // the /stats "by_route" key: "openai.chat", "gemini.generateContent", ...
  std::string path_model; // gemini: the model named in the path
};

// The route of an API path; nullopt for a path no dialect serves. `dialect_hint` gets the dialect
// the path's prefix belongs to even then (/v1beta/... gemini, /api/... ollama, else openai), so
// its 404 has the right shape.
std::optional<Route> match_route(const std::string& path, Dialect& dialect_hint);

// Everything an answer may read. `cache` is the server's Anthropic prompt-cache ledger.
struct RouteRequest {
  const HttpRequest& http;
  const Json& body;
  const AnswerBook& answers;
  std::uint64_t serial = 0;
  int embedding_dims = 64;
  bool cut = false; // stream_cut fault: end a stream before its final marker
  PromptCacheLedger& cache;
};

HttpResponse answer(const Route& route, const RouteRequest& request);

// The model a request names: the body's "model", or the path's for gemini ("" when none).
std::string route_model(const Route& route, const Json& body);

// An error in the dialect's shape; `status` picks the type/status words.
HttpResponse dialect_error(Dialect dialect, int status, const std::string& message);

// True when the request carries `key` where the dialect sends it: `Authorization: Bearer` (openai,
// ollama), `x-api-key` (anthropic), `x-goog-api-key` (gemini).
bool has_api_key(Dialect dialect, const HttpRequest& request, const std::string& key);

// The dialect's answer to a missing or wrong key; never echoes what was sent.
HttpResponse bad_api_key(Dialect dialect);

// The answer of an HTTP-status fault (401, 429, 500, 503, 529) in the dialect's shape. A 429 says
// when to retry when retry_after_s >= 0: `retry-after` (openai, anthropic, ollama), plus the
// anthropic-ratelimit-* headers (anthropic), or a RetryInfo retryDelay in the body (gemini).
HttpResponse dialect_fault(Dialect dialect, MockFault fault, double retry_after_s);

} // namespace evalgate::mock
