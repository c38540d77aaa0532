// What one request gets, in this order: monitoring routes (/health, /stats: no latency, no
// faults, not counted) → count → route (404 in the path's dialect) → 405 → API key →
// fault draw → JSON body → answer in the route's wire format. The latency is not waited here: the
// caller sends a counted outcome at the request's arrival + latency (mock_server.cpp).
// Faults are drawn only for the API routes, after auth, so /stats stays readable under any
// fault rate and a 401 for a wrong key is never mistaken for an injected one.

#include "core/types.hpp"
#include "mock/mock_impl.hpp"
#include "mock/mock_routes.hpp"
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
  mock::Dialect dialect = mock::Dialect::openai;
  const std::optional<mock::Route> route = mock::match_route(path, dialect);
  if (!route) {
    if (dialect == mock::Dialect::openai) {
      return respond(mock::error_response(404, "Unknown request URL: " + request.method + " " + path + ".",
                                          "invalid_request_error", "unknown_url"));
    }
    const std::string message = "Unknown request URL: " + request.method + " " + path + ".";
    return respond(mock::dialect_error(dialect, 404, message));
  }
  stats.record_route(route->name);
  if (request.method != "POST" && dialect != mock::Dialect::openai) {
    HttpResponse response = mock::dialect_error(
      dialect, 405, "Method " + request.method + " is not allowed for " + path + "; use POST.");
    response.headers.emplace_back("Allow", "POST");
    return respond(std::move(response));
  }
  if (request.method != "POST") {
    return method_not_allowed(request, "POST");
  }
  if (!options.required_api_key.empty() && !mock::has_api_key(dialect, request, options.required_api_key)) {
    return respond(mock::bad_api_key(dialect));
  }

  const std::optional<MockFault> fault = faults.draw();
  if (fault) {
    stats.record_fault(*fault);
    switch (*fault) {
    case MockFault::timeout: return Outcome{Action::hang, {}, true};
    case MockFault::reset: return Outcome{Action::reset, {}, true};
    case MockFault::malformed:
    case MockFault::stream_cut:
    case MockFault::slow_stream: break; // answered below, then altered
    default: return respond(mock::dialect_fault(dialect, *fault, options.retry_after_s));
    }
  }

  Json body;
  try {
    body = Json::parse(request.body);
  } catch (const Json::parse_error&) {
    if (dialect != mock::Dialect::openai) {
      return respond(mock::dialect_error(dialect, 400, "The request body is not valid JSON."));
    }
    return respond(mock::error_response(400,
                                        "We could not parse the JSON body of your request. (HINT: This likely means "
                                        "you aren't using your HTTP library correctly.)",
                                        "invalid_request_error", "invalid_json"));
  }
  const std::string model = mock::route_model(*route, body);
  if (!model.empty()) {
    stats.record_model(model);
  }
  const mock::RouteRequest route_request{
    request, body, answers, ++serial, options.embedding_dims, fault == MockFault::stream_cut, prompt_cache};
  HttpResponse response = mock::answer(*route, route_request);
  Outcome outcome = respond(std::move(response));
  const bool streamed = !outcome.response.frame_ends.empty();
  // A stream_cut on an answer that does not stream cuts the body like malformed does.
  const bool cut_plain = fault == MockFault::stream_cut && !streamed && outcome.response.status == 200;
  if (fault == MockFault::malformed || cut_plain) {
    outcome.response = mock::malformed_response(std::move(outcome.response));
  }
  if (fault == MockFault::slow_stream) {
    outcome.frame_delay_ms = options.slow_stream_ms;
  }
  return outcome;
}

} // namespace evalgate
