#include "mock/ollama_routes.hpp"

#include "mock/embeddings.hpp"
#include "mock/route_util.hpp"

namespace evalgate::mock {

namespace {

constexpr int k_max_request_dims = 8192;
constexpr std::int64_t k_ns_per_token = 1000000;

std::string line(const Json& object)
{
  return object.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

} // namespace

HttpResponse ollama_error(int status, const std::string& message)
{
  return json_response(status, {{"error", message}});
}

HttpResponse ollama_chat(const RouteRequest& request)
{
  const Json& body = request.body;
  if (!body.is_object()) {
    return ollama_error(400, "invalid request body");
  }
  const std::string model = string_field(body, "model");
  if (model.empty()) {
    return ollama_error(400, "model is required");
  }
  const auto messages = body.find("messages");
  if (messages == body.end() || !messages->is_array()) {
    return ollama_error(400, "messages must be an array");
  }
  std::int64_t prompt_words = 0;
  std::string last_user;
  for (const Json& message : *messages) {
    const std::string text = string_field(message, "content");
    prompt_words += count_words(text);
    if (string_field(message, "role") == "user") {
      last_user = text;
    }
  }
  const std::string* rule_reply = request.answers.match(model, last_user);
  const std::string reply = rule_reply != nullptr ? *rule_reply : last_user;
  const std::int64_t prompt_tokens = std::max<std::int64_t>(1, prompt_words);
  const std::int64_t eval_tokens = tokens(reply);
  const std::string created_at = utc_timestamp_now();

  const auto stream_flag = body.find("stream");
  const bool stream = stream_flag == body.end() || !stream_flag->is_boolean() || stream_flag->get<bool>();
  Json final_object = {{"model", model},
                       {"created_at", created_at},
                       {"message", {{"role", "assistant"}, {"content", stream ? "" : reply}}},
                       {"done", true},
                       {"done_reason", "stop"},
                       {"total_duration", (prompt_tokens + eval_tokens) * k_ns_per_token},
                       {"load_duration", 0},
                       {"prompt_eval_count", prompt_tokens},
                       {"prompt_eval_duration", prompt_tokens * k_ns_per_token},
                       {"eval_count", eval_tokens},
                       {"eval_duration", eval_tokens * k_ns_per_token}};
  if (!stream) {
    return json_response(200, final_object);
  }
  HttpResponse response;
  response.content_type = "application/x-ndjson";
  const std::vector<std::string> pieces = stream_pieces(reply);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (request.cut && i == cut_point(pieces.size())) {
      return response; // stream_cut: no "done": true line
    }
    add_frame(response, line({{"model", model},
                              {"created_at", created_at},
                              {"message", {{"role", "assistant"}, {"content", pieces[i]}}},
                              {"done", false}}));
  }
  if (!request.cut) {
    add_frame(response, line(final_object));
  }
  return response;
}

HttpResponse ollama_embed(const RouteRequest& request)
{
  const Json& body = request.body;
  const std::string model = string_field(body, "model");
  if (model.empty()) {
    return ollama_error(400, "model is required");
  }
  std::vector<std::string> inputs;
  const auto input = body.find("input");
  if (input != body.end() && input->is_string()) {
    inputs.push_back(input->get<std::string>());
  } else if (input != body.end() && input->is_array()) {
    for (const Json& item : *input) {
      if (!item.is_string()) {
        return ollama_error(400, "input must be a string or an array of strings");
      }
      inputs.push_back(item.get<std::string>());
    }
  } else {
    return ollama_error(400, "input must be a string or an array of strings");
  }
  int dims = request.embedding_dims;
  if (const auto requested = body.find("dimensions"); requested != body.end()) {
    if (!requested->is_number_integer() || requested->get<long long>() < 1 ||
        requested->get<long long>() > k_max_request_dims) {
      return ollama_error(400, "dimensions must be an integer from 1 to 8192");
    }
    dims = static_cast<int>(requested->get<long long>());
  }
  Json embeddings = Json::array();
  std::int64_t prompt_tokens = 0;
  for (const std::string& text : inputs) {
    prompt_tokens += tokens(text);
    embeddings.push_back(embed_text(text, dims));
  }
  return json_response(200, {{"model", model},
                             {"embeddings", std::move(embeddings)},
                             {"total_duration", prompt_tokens * k_ns_per_token},
                             {"load_duration", 0},
                             {"prompt_eval_count", prompt_tokens}});
}

} // namespace evalgate::mock
