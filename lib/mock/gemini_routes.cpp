#include "mock/gemini_routes.hpp"

#include <fmt/format.h>

#include "mock/embeddings.hpp"
#include "mock/route_util.hpp"

namespace evalgate::mock {

namespace {

constexpr int k_max_request_dims = 8192;

const char* status_word(int status)
{
  switch (status) {
  case 401:
    return "UNAUTHENTICATED";
  case 403:
    return "PERMISSION_DENIED";
  case 404:
    return "NOT_FOUND";
  case 429:
    return "RESOURCE_EXHAUSTED";
  case 500:
    return "INTERNAL";
  case 503:
  case 529:
    return "UNAVAILABLE";
  case 504:
    return "DEADLINE_EXCEEDED";
  default:
    return "INVALID_ARGUMENT";
  }
}

// The text parts of a Content object, joined by '\n'.
std::string parts_text(const Json& content)
{
  std::string text;
  if (!content.is_object() || !content.contains("parts") || !content["parts"].is_array()) {
    return text;
  }
  for (const Json& part : content["parts"]) {
    if (part.is_object() && part.contains("text") && part["text"].is_string()) {
      if (!text.empty()) {
        text += '\n';
      }
      text += part["text"].get<std::string>();
    }
  }
  return text;
}

Json chunk(const std::string& model, std::uint64_t serial, const std::string& text, const Json& finish,
           const Json& usage)
{
  Json candidate = {{"content", {{"role", "model"}, {"parts", Json::array({{{"text", text}}})}}},
                    {"index", 0}};
  if (!finish.is_null()) {
    candidate["finishReason"] = finish;
  }
  Json out = {{"candidates", Json::array({candidate})},
              {"modelVersion", model},
              {"responseId", fmt::format("mock-{}", serial)}};
  if (!usage.is_null()) {
    out["usageMetadata"] = usage;
  }
  return out;
}

// The dimensions a request asks for (outputDimensionality), or `fallback`; -1 when invalid.
int requested_dims(const Json& request, int fallback)
{
  const auto it = request.find("outputDimensionality");
  if (it == request.end()) {
    return fallback;
  }
  if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > k_max_request_dims) {
    return -1;
  }
  return static_cast<int>(it->get<long long>());
}

} // namespace

HttpResponse gemini_error(int status, const std::string& message, const Json& details)
{
  Json error = {{"code", status}, {"message", message}, {"status", status_word(status)}};
  if (!details.is_null()) {
    error["details"] = details;
  }
  return json_response(status, {{"error", error}});
}

HttpResponse gemini_generate(const RouteRequest& request, const std::string& model, bool stream)
{
  const Json& body = request.body;
  if (!body.is_object() || !body.contains("contents") || !body["contents"].is_array() ||
      body["contents"].empty()) {
    return gemini_error(400, "* GenerateContentRequest.contents: contents is not specified");
  }
  std::int64_t prompt_words = 0;
  if (const auto system = body.find("systemInstruction"); system != body.end()) {
    prompt_words += count_words(parts_text(*system));
  }
  std::string last_user;
  for (const Json& content : body["contents"]) {
    const std::string text = parts_text(content);
    prompt_words += count_words(text);
    const std::string role = string_field(content, "role");
    if (role.empty() || role == "user") {
      last_user = text;
    }
  }
  const std::string* rule_reply = request.answers.match(model, last_user);
  const std::string reply = rule_reply != nullptr ? *rule_reply : last_user;
  const std::int64_t prompt_tokens = std::max<std::int64_t>(1, prompt_words);
  const std::int64_t reply_tokens = tokens(reply);
  const Json usage = {{"promptTokenCount", prompt_tokens},
                      {"candidatesTokenCount", reply_tokens},
                      {"totalTokenCount", prompt_tokens + reply_tokens}};
  if (!stream) {
    return json_response(200, chunk(model, request.serial, reply, "STOP", usage));
  }
  const bool sse = query_parameter(request.http.target, "alt") == "sse";
  const std::vector<std::string> pieces = stream_pieces(reply);
  std::vector<Json> chunks;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    if (request.cut && i == cut_point(pieces.size())) {
      break; // stream_cut: no chunk with finishReason
    }
    const bool last = i + 1 == pieces.size();
    chunks.push_back(
        chunk(model, request.serial, pieces[i], last ? Json("STOP") : Json(), last ? usage : Json()));
  }
  if (pieces.empty() && !request.cut) {
    chunks.push_back(chunk(model, request.serial, "", "STOP", usage));
  }
  HttpResponse response;
  if (sse) {
    response.content_type = "text/event-stream";
    for (const Json& c : chunks) {
      add_frame(response, "data: " + c.dump(-1, ' ', false, Json::error_handler_t::replace) + "\r\n\r\n");
    }
    return response;
  }
  // Without alt=sse the API streams one JSON array; a cut one never closes its bracket.
  add_frame(response, "[");
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    add_frame(response,
              (i == 0 ? "" : ",\r\n") + chunks[i].dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  if (!request.cut) {
    add_frame(response, "]");
  }
  return response;
}

HttpResponse gemini_embed(const RouteRequest& request, bool batch)
{
  const Json& body = request.body;
  std::vector<const Json*> items;
  if (batch) {
    if (!body.is_object() || !body.contains("requests") || !body["requests"].is_array() ||
        body["requests"].empty()) {
      return gemini_error(400, "* BatchEmbedContentsRequest.requests: requests is not specified");
    }
    for (const Json& item : body["requests"]) {
      items.push_back(&item);
    }
  } else {
    items.push_back(&body);
  }
  Json embeddings = Json::array();
  for (const Json* item : items) {
    if (!item->is_object() || !item->contains("content") || parts_text((*item)["content"]).empty()) {
      return gemini_error(400, "* EmbedContentRequest.content: content is not specified");
    }
    const int dims = requested_dims(*item, request.embedding_dims);
    if (dims < 0) {
      return gemini_error(400, "outputDimensionality must be an integer from 1 to 8192");
    }
    embeddings.push_back({{"values", embed_text(parts_text((*item)["content"]), dims)}});
  }
  if (batch) {
    return json_response(200, {{"embeddings", std::move(embeddings)}});
  }
  return json_response(200, {{"embedding", std::move(embeddings[0])}});
}

} // namespace evalgate::mock
