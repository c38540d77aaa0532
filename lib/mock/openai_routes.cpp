#include "mock/openai_routes.hpp"

#include <ctime>

#include <fmt/format.h>

#include "mock/embeddings.hpp"
#include "mock/route_util.hpp"

namespace evalgate::mock {

namespace {

constexpr int k_max_request_dims = 8192;

HttpResponse stream_response(const Json& body, const std::string& id, std::int64_t created,
                             const std::string& model, const std::string& reply, const Json& usage, bool cut)
{
  auto chunk = [&](const Json& delta, const Json& finish_reason) {
    Json out = {{"id", id},
                {"object", "chat.completion.chunk"},
                {"created", created},
                {"model", model},
                {"choices", Json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish_reason}}})}};
    return "data: " + out.dump() + "\n\n";
  };
  HttpResponse response;
  response.content_type = "text/event-stream";
  add_frame(response, chunk({{"role", "assistant"}, {"content", ""}}, nullptr));
  const std::vector<std::string> pieces = stream_pieces(reply);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (cut && i == cut_point(pieces.size())) {
      return response; // stream_cut: no finish_reason chunk, no [DONE]
    }
    add_frame(response, chunk({{"content", pieces[i]}}, nullptr));
  }
  add_frame(response, chunk(Json::object(), "stop"));
  const auto options = body.find("stream_options");
  if (options != body.end() && options->is_object() && bool_field(*options, "include_usage")) {
    Json last = {{"id", id},           {"object", "chat.completion.chunk"}, {"created", created},
                 {"model", model},     {"choices", Json::array()},         {"usage", usage}};
    add_frame(response, "data: " + last.dump() + "\n\n");
  }
  add_frame(response, "data: [DONE]\n\n");
  return response;
}

} // namespace

HttpResponse error_response(int status, const std::string& message, const std::string& type,
                            const std::string& code)
{
  return json_response(status, {{"error", {{"message", message}, {"type", type}, {"code", code}}}});
}

HttpResponse invalid_api_key_response()
{
  return error_response(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
}

HttpResponse http_fault_response(MockFault fault, double retry_after_s)
{
  switch (fault) {
  case MockFault::http_401: return invalid_api_key_response();
  case MockFault::http_429: {
    HttpResponse response = error_response(
      429, "Rate limit reached (injected by evalgate mock-provider).", "rate_limit_error", "rate_limit_exceeded");
    if (retry_after_s >= 0) {
      response.headers.emplace_back("retry-after", fmt::format("{}", retry_after_s));
    }
    return response;
  }
  case MockFault::http_429_bare:
    return error_response(429, "Rate limit reached (injected by evalgate mock-provider).", "rate_limit_error",
                          "rate_limit_exceeded");
  case MockFault::http_500:
    return error_response(500, "The server had an error while processing your request (injected fault).",
                          "server_error", "internal_error");
  case MockFault::http_503:
    return error_response(503, "The server is overloaded or not ready yet (injected fault).", "server_error",
                          "service_unavailable");
  case MockFault::http_529:
    return error_response(529, "Overloaded (injected fault).", "overloaded_error", "overloaded");
  case MockFault::timeout:
  case MockFault::malformed:
  case MockFault::reset:
  case MockFault::stream_cut:
  case MockFault::slow_stream: break;
  }
  return error_response(500, "fault without an HTTP answer", "server_error", "internal_error");
}

HttpResponse malformed_response(HttpResponse response)
{
  // A strict prefix of a JSON object never closes its outer brace, so no parser accepts it.
  response.body.resize(response.body.size() / 2);
  return response;
}

std::string request_model(const Json& body)
{
  if (body.is_object()) {
    const auto model = body.find("model");
    if (model != body.end() && model->is_string()) {
      return model->get<std::string>();
    }
  }
  return "";
}

HttpResponse chat_completion(const Json& body, const AnswerBook& answers, std::uint64_t serial, bool cut)
{
  if (!body.is_object()) {
    return error_response(400, "The request body must be a JSON object.", "invalid_request_error", "invalid_body");
  }
  const auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array() || messages->empty()) {
    return error_response(400, "'messages' must be a non-empty array.", "invalid_request_error", "invalid_value");
  }
  std::string last_user;
  std::int64_t prompt_tokens = 0;
  for (const Json& message : *messages) {
    if (!message.is_object()) {
      return error_response(400, "Each message must be an object with 'role' and 'content'.",
                            "invalid_request_error", "invalid_value");
    }
    const auto content = message.find("content");
    const std::string text = content == message.end() ? std::string() : content_text(*content);
    prompt_tokens += count_words(text);
    if (string_field(message, "role") == "user") {
      last_user = text;
    }
  }
  const std::string model = request_model(body);
  const std::string* rule_reply = answers.match(model, last_user);
  const std::string reply = rule_reply != nullptr ? *rule_reply : last_user;

  const std::int64_t completion_tokens = tokens(reply);
  prompt_tokens = std::max<std::int64_t>(1, prompt_tokens);
  const Json usage = {{"prompt_tokens", prompt_tokens},
                      {"completion_tokens", completion_tokens},
                      {"total_tokens", prompt_tokens + completion_tokens}};
  const std::string id = fmt::format("chatcmpl-mock-{}", serial);
  const auto created = static_cast<std::int64_t>(std::time(nullptr));
  if (bool_field(body, "stream")) {
    return stream_response(body, id, created, model, reply, usage, cut);
  }
  return json_response(
    200, {{"id", id},
          {"object", "chat.completion"},
          {"created", created},
          {"model", model},
          {"choices", Json::array({{{"index", 0},
                                    {"message", {{"role", "assistant"}, {"content", reply}}},
                                    {"finish_reason", "stop"}}})},
          {"usage", usage}});
}

HttpResponse embeddings(const Json& body, int default_dims)
{
  if (!body.is_object()) {
    return error_response(400, "The request body must be a JSON object.", "invalid_request_error", "invalid_body");
  }
  std::vector<std::string> inputs;
  const auto input = body.find("input");
  const std::string bad_input = "'input' must be a string or a non-empty array of strings.";
  if (input == body.end()) {
    return error_response(400, bad_input, "invalid_request_error", "invalid_value");
  }
  if (input->is_string()) {
    inputs.push_back(input->get<std::string>());
  } else if (input->is_array() && !input->empty()) {
    for (const Json& item : *input) {
      if (!item.is_string()) {
        return error_response(400, bad_input, "invalid_request_error", "invalid_value");
      }
      inputs.push_back(item.get<std::string>());
    }
  } else {
    return error_response(400, bad_input, "invalid_request_error", "invalid_value");
  }
  int dims = default_dims;
  if (const auto requested = body.find("dimensions"); requested != body.end()) {
    if (!requested->is_number_integer() || requested->get<long long>() < 1 ||
        requested->get<long long>() > k_max_request_dims) {
      return error_response(400, "'dimensions' must be an integer from 1 to 8192.", "invalid_request_error",
                            "invalid_value");
    }
    dims = static_cast<int>(requested->get<long long>());
  }
  Json data = Json::array();
  std::int64_t prompt_tokens = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    prompt_tokens += tokens(inputs[i]);
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", embed_text(inputs[i], dims)}});
  }
  return json_response(200, {{"object", "list"},
                             {"data", std::move(data)},
                             {"model", request_model(body)},
                             {"usage", {{"prompt_tokens", prompt_tokens}, {"total_tokens", prompt_tokens}}}});
}

} // namespace evalgate::mock
