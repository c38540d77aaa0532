// What one request gets, in this order: monitoring routes (/health, /stats: no latency, no
// faults, not counted) → count → latency → 404 / 405 → API key → fault draw → JSON body → answer.
// Faults are drawn only for the API routes, after auth, so /stats stays readable under any
// fault rate and a 401 for a wrong key is never mistaken for an injected one.

#include "core/types.hpp"
#include "mock/mock_impl.hpp"
#include "mock/openai_routes.hpp"

namespace evalgate {

using mock::Action;
using mock::HttpRequest;
using mock::HttpResponse;
using mock::Outcome;

namespace {

Outcome respond(HttpResponse response, bool counted = true)
{
  return Outcome{Action::respond, std::move(response), counted};
}

Outcome method_not_allowed(const HttpRequest& request, const char* allowed)
{
  HttpResponse response =
    mock::error_response(405,
                         "Method " + request.method + " is not allowed for " + request.path + "; use " +
                           allowed + ".",
                         "invalid_request_error", "method_not_allowed");
  response.headers.emplace_back("Allow", allowed);
  return respond(std::move(response));
}

} // namespace

mock::Outcome MockServer::Impl::handle(const HttpRequest& request)
{
  const std::string& path = request.path;
  if (path == "/health" || path == "/stats") {
    if (request.method != "GET") {
      Outcome outcome = method_not_allowed(request, "GET");
      outcome.counted = false;
      return outcome;
    }
    HttpResponse response;
    if (path == "/health") {
      response.content_type = "text/plain";
      response.body = "ok";
    } else {
      response.body = stats.json();
    }
    return respond(std::move(response), false);
  }

  stats.record_request(path);
  if (options.latency_ms > 0 && wait_or_stop(options.latency_ms)) {
    return Outcome{Action::drop, {}, true};
  }
  const bool is_chat = path == "/v1/chat/completions" || path == "/chat/completions";
  const bool is_embeddings = path == "/v1/embeddings" || path == "/embeddings";
  if (!is_chat && !is_embeddings) {
    return respond(mock::error_response(404, "Unknown request URL: " + request.method + " " + path + ".",
                                        "invalid_request_error", "unknown_url"));
  }
  if (request.method != "POST") {
    return method_not_allowed(request, "POST");
  }
  if (!options.required_api_key.empty()) {
    const std::string* authorization = request.header("authorization");
    if (authorization == nullptr || *authorization != "Bearer " + options.required_api_key) {
      return respond(mock::invalid_api_key_response());
    }
  }

  const std::optional<MockFault> fault = faults.draw();
  if (fault) {
    stats.record_fault(*fault);
    switch (*fault) {
    case MockFault::timeout: return Outcome{Action::hang, {}, true};
    case MockFault::reset: return Outcome{Action::reset, {}, true};
    case MockFault::malformed: break; // answered below, then cut short
    default: return respond(mock::http_fault_response(*fault, options.retry_after_s));
    }
  }

  Json body;
  try {
    body = Json::parse(request.body);
  } catch (const Json::parse_error&) {
    return respond(mock::error_response(400,
                                        "We could not parse the JSON body of your request. (HINT: This likely means "
                                        "you aren't using your HTTP library correctly.)",
                                        "invalid_request_error", "invalid_json"));
  }
  const std::string model = mock::request_model(body);
  if (!model.empty()) {
    stats.record_model(model);
  }
  HttpResponse response = is_chat ? mock::chat_completion(body, answers, ++serial)
                                  : mock::embeddings(body, options.embedding_dims);
  if (fault == MockFault::malformed) {
    response = mock::malformed_response(std::move(response));
  }
  return respond(std::move(response));
}

} // namespace evalgate
