#include "mock/mock_routes.hpp"

#include <ctime>

#include <fmt/format.h>

#include "mock/anthropic_routes.hpp"
#include "mock/gemini_routes.hpp"
#include "mock/ollama_routes.hpp"
#include "mock/openai_routes.hpp"

namespace evalgate::mock {

namespace {

constexpr std::string_view k_gemini_prefix = "/v1beta/models/";

bool starts_with(const std::string& text, std::string_view prefix)
{
  return text.rfind(prefix, 0) == 0;
}

std::optional<Route> match_gemini(const std::string& path)
{
  const std::size_t colon = path.rfind(':');
  if (colon == std::string::npos || colon <= k_gemini_prefix.size()) {
    return std::nullopt;
  }
  const std::string method = path.substr(colon + 1);
  Route route{Dialect::gemini, Operation::gemini_generate, "gemini." + method,
              path.substr(k_gemini_prefix.size(), colon - k_gemini_prefix.size())};
  if (method == "generateContent") {
    return route;
  }
  if (method == "streamGenerateContent") {
    route.operation = Operation::gemini_stream;
    return route;
  }
  if (method == "embedContent") {
    route.operation = Operation::gemini_embed;
    return route;
  }
  if (method == "batchEmbedContents") {
    route.operation = Operation::gemini_batch_embed;
    return route;
  }
  return std::nullopt;
}

// RFC 3339, as Anthropic writes its ratelimit reset times.
std::string rfc3339_after(double seconds)
{
  const std::time_t at = std::time(nullptr) + static_cast<std::time_t>(seconds < 0 ? 0 : seconds + 0.999);
  std::tm utc{};
  ::gmtime_r(&at, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec);
}

const char* fault_message(MockFault fault)
{
  switch (fault) {
  case MockFault::http_401:
    return "Invalid API key (injected by evalgate mock-provider).";
  case MockFault::http_429:
  case MockFault::http_429_bare:
    return "Rate limit reached (injected by evalgate mock-provider).";
  case MockFault::http_500:
    return "Internal server error (injected fault).";
  case MockFault::http_503:
    return "Service unavailable (injected fault).";
  case MockFault::http_529:
    return "Overloaded (injected fault).";
  default:
    return "fault without an HTTP answer";
  }
}

int fault_status(MockFault fault)
{
  switch (fault) {
  case MockFault::http_401:
    return 401;
  case MockFault::http_429:
  case MockFault::http_429_bare:
    return 429;
  case MockFault::http_503:
    return 503;
  case MockFault::http_529:
    return 529;
  default:
    return 500;
  }
}

} // namespace

std::optional<Route> match_route(const std::string& path, Dialect& dialect_hint)
{
  dialect_hint = Dialect::openai;
  if (path == "/v1/chat/completions" || path == "/chat/completions") {
    return Route{Dialect::openai, Operation::chat, "openai.chat", ""};
  }
  if (path == "/v1/embeddings" || path == "/embeddings") {
    return Route{Dialect::openai, Operation::embed, "openai.embeddings", ""};
  }
  if (path == "/v1/messages") {
    dialect_hint = Dialect::anthropic;
    return Route{Dialect::anthropic, Operation::chat, "anthropic.messages", ""};
  }
  if (starts_with(path, "/v1beta/")) {
    dialect_hint = Dialect::gemini;
    return starts_with(path, k_gemini_prefix) ? match_gemini(path) : std::nullopt;
  }
  if (starts_with(path, "/api/")) {
    dialect_hint = Dialect::ollama;
    if (path == "/api/chat") {
      return Route{Dialect::ollama, Operation::chat, "ollama.chat", ""};
    }
    if (path == "/api/embed") {
      return Route{Dialect::ollama, Operation::embed, "ollama.embed", ""};
    }
  }
  return std::nullopt;
}

HttpResponse answer(const Route& route, const RouteRequest& request)
{
  switch (route.dialect) {
  case Dialect::openai:
    return route.operation == Operation::chat
               ? chat_completion(request.body, request.answers, request.serial, request.cut)
               : embeddings(request.body, request.embedding_dims);
  case Dialect::anthropic:
    return anthropic_messages(request);
  case Dialect::gemini:
    switch (route.operation) {
    case Operation::gemini_stream:
      return gemini_generate(request, route.path_model, true);
    case Operation::gemini_embed:
      return gemini_embed(request, false);
    case Operation::gemini_batch_embed:
      return gemini_embed(request, true);
    default:
      return gemini_generate(request, route.path_model, false);
    }
  case Dialect::ollama:
    return route.operation == Operation::chat ? ollama_chat(request) : ollama_embed(request);
  }
  return dialect_error(route.dialect, 500, "unknown route");
}

std::string route_model(const Route& route, const Json& body)
{
  return route.dialect == Dialect::gemini ? route.path_model : request_model(body);
}

HttpResponse dialect_error(Dialect dialect, int status, const std::string& message)
{
  switch (dialect) {
  case Dialect::anthropic:
    return anthropic_error(status, message);
  case Dialect::gemini:
    return gemini_error(status, message);
  case Dialect::ollama:
    return ollama_error(status, message);
  case Dialect::openai:
    break;
  }
  return error_response(status, message, status >= 500 ? "server_error" : "invalid_request_error",
                        status == 404 ? "unknown_url" : "invalid_value");
}

bool has_api_key(Dialect dialect, const HttpRequest& request, const std::string& key)
{
  if (dialect == Dialect::anthropic || dialect == Dialect::gemini) {
    const std::string* sent = request.header(dialect == Dialect::anthropic ? "x-api-key" : "x-goog-api-key");
    return sent != nullptr && *sent == key;
  }
  const std::string* authorization = request.header("authorization");
  return authorization != nullptr && *authorization == "Bearer " + key;
}

HttpResponse bad_api_key(Dialect dialect)
{
  switch (dialect) {
  case Dialect::anthropic:
    return anthropic_error(401, "invalid x-api-key");
  case Dialect::gemini:
    // What Google answers for a bad key: 400, not 401, with the reason in ErrorInfo.
    return gemini_error(400, "API key not valid. Please pass a valid API key.",
                        Json::array({{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                                      {"reason", "API_KEY_INVALID"},
                                      {"domain", "googleapis.com"}}}));
  case Dialect::ollama:
    return ollama_error(401, "unauthorized");
  case Dialect::openai:
    break;
  }
  return invalid_api_key_response();
}

HttpResponse dialect_fault(Dialect dialect, MockFault fault, double retry_after_s)
{
  if (dialect == Dialect::openai) {
    return http_fault_response(fault, retry_after_s);
  }
  const int status = fault_status(fault);
  const bool retry_hint = fault == MockFault::http_429 && retry_after_s >= 0;
  HttpResponse response;
  if (dialect == Dialect::gemini) {
    Json details = nullptr;
    if (retry_hint) {
      details = Json::array({{{"@type", "type.googleapis.com/google.rpc.RetryInfo"},
                              {"retryDelay", fmt::format("{}s", retry_after_s)}}});
    }
    return gemini_error(status, fault_message(fault), details);
  }
  response = dialect == Dialect::anthropic ? anthropic_error(status, fault_message(fault))
                                           : ollama_error(status, fault_message(fault));
  if (retry_hint) {
    response.headers.emplace_back("retry-after", fmt::format("{}", retry_after_s));
  }
  if (dialect == Dialect::anthropic && fault == MockFault::http_429) {
    const std::string reset = rfc3339_after(retry_after_s);
    response.headers.emplace_back("anthropic-ratelimit-requests-limit", "50");
    response.headers.emplace_back("anthropic-ratelimit-requests-remaining", "0");
    response.headers.emplace_back("anthropic-ratelimit-requests-reset", reset);
    response.headers.emplace_back("anthropic-ratelimit-tokens-limit", "40000");
    response.headers.emplace_back("anthropic-ratelimit-tokens-remaining", "0");
    response.headers.emplace_back("anthropic-ratelimit-tokens-reset", reset);
  }
  return response;
}

} // namespace evalgate::mock
