#include "providers/openai_wire.hpp"

#include "providers/openai_chat_sax.hpp"
#include "providers/openai_embed_decode.hpp"

#include <fmt/format.h>

namespace evalgate {

namespace {

class OpenAiWireProvider final : public Provider {
public:
  explicit OpenAiWireProvider(OpenAiWire wire) : m_wire(std::move(wire)) {}

  Result<HttpRequest> encode(const CallInput& input) const override
  {
    if (input.messages.empty()) {
      return fail(ErrorCategory::data, "no messages to send: the rendered prompt is empty");
    }
    Json messages = Json::array();
    for (const auto& message : input.messages) {
      messages.push_back({{"role", message.role}, {"content", message.content}});
    }
    Json body = Json::object();
    if (!m_wire.model.empty()) {
      body["model"] = m_wire.model;
    }
    body["messages"] = std::move(messages);
    if (m_wire.stream) {
      body["stream"] = true;
      // Without it the stream carries no usage (providers.md §1.1).
      body["stream_options"] = {{"include_usage", true}};
    }
    for (const auto& [key, value] : m_wire.params.items()) {
      body[key] = value;
    }
    return request(m_wire.chat_url, body);
  }

  Result<Completion> decode(const HttpResponse& response) const override
  {
    if (m_wire.stream) {
      return decode_whole_stream(*make_openai_stream_decoder(), response.body);
    }
    // Most bodies are of the common shape, decoded without building a JSON tree.
    if (auto common = decode_openai_chat_common(response.body)) {
      return std::move(*common);
    }
    return decode_openai_chat(response.body);
  }

  std::vector<std::string> secrets() const override { return m_wire.secrets; }

  std::unique_ptr<StreamDecoder> stream_decoder() const override
  {
    return m_wire.stream ? make_openai_stream_decoder() : nullptr;
  }

  Result<HttpRequest> encode_embed(const std::vector<std::string>& texts) const override
  {
    Json body = Json::object();
    if (!m_wire.model.empty()) {
      body["model"] = m_wire.model;
    }
    body["input"] = texts;
    // Only the embedding-relevant params: chat params (temperature, ...) are rejected by the API.
    for (const char* key : {"dimensions", "user"}) {
      if (m_wire.params.contains(key)) {
        body[key] = m_wire.params[key];
      }
    }
    return request(m_wire.embed_url, body);
  }

  Result<std::vector<std::vector<float>>> decode_embed(const HttpResponse& response,
                                                       Usage& usage) const override
  {
    if (auto common = decode_openai_embeddings_common(response.body, usage)) {
      return std::move(*common);
    }
    return decode_openai_embeddings(response.body, usage);
  }

private:
  HttpRequest request(const std::string& url, const Json& body) const
  {
    HttpRequest out;
    out.method = "POST";
    out.url = url;
    out.timeout_ms = m_wire.timeout_ms;
    out.headers = m_wire.headers;
    out.body = to_json_text(body);
    out.body_is_json_text = true;
    return out;
  }

  OpenAiWire m_wire;
};

} // namespace

Result<std::vector<std::vector<float>>> decode_openai_embeddings(std::string_view body, Usage& usage)
{
  auto parsed = parse_body(body);
  if (!parsed) {
    return fail(parsed.error());
  }
  const auto data = parsed->is_object() ? parsed->find("data") : parsed->end();
  if (!parsed->is_object() || data == parsed->end() || !data->is_array()) {
    if (auto message = error_member_message(*parsed)) {
      return fail(ErrorCategory::data, fmt::format("error in a 200 response: {}", *message));
    }
    return fail(ErrorCategory::data, "malformed embeddings response: expected a 'data' array");
  }
  std::vector<std::vector<float>> vectors(data->size());
  std::vector<bool> seen(data->size(), false);
  for (std::size_t i = 0; i < data->size(); ++i) {
    const Json& item = (*data)[i];
    // Order by `index`, never by array position (providers.md §1.3).
    const std::size_t index =
        item.is_object() && item.contains("index") && item["index"].is_number_unsigned()
            ? item["index"].get<std::size_t>()
            : i;
    if (index >= vectors.size() || seen[index] || !item.contains("embedding") ||
        !item["embedding"].is_array()) {
      return fail(
          ErrorCategory::data,
          fmt::format("malformed embeddings response: data[{}] has no usable 'embedding' or 'index'", i));
    }
    auto vector = float_vector(item["embedding"]);
    if (!vector) {
      return fail(ErrorCategory::data, fmt::format("malformed embeddings response: data[{}].embedding {}",
                                                   i, vector.error().message));
    }
    vectors[index] = std::move(*vector);
    seen[index] = true;
  }
  if (const auto it = parsed->find("usage"); it != parsed->end()) {
    usage = openai_usage(*it);
  }
  return vectors;
}

Result<Completion> decode_openai_chat(std::string_view body)
{
  auto parsed = parse_body(body);
  if (!parsed) {
    return fail(parsed.error());
  }
  if (!parsed->is_object()) {
    return fail(ErrorCategory::data, "malformed response: expected a JSON object with 'choices'");
  }
  const auto choices = parsed->find("choices");
  if (choices == parsed->end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    // Some gateways (OpenRouter) report errors in a 200 body.
    if (auto message = error_member_message(*parsed)) {
      return fail(ErrorCategory::data, fmt::format("error in a 200 response: {}", *message));
    }
    return fail(ErrorCategory::data, "malformed response: expected a non-empty 'choices' array");
  }
  const auto& choice = (*choices)[0];
  const auto message = choice.find("message");
  if (message == choice.end() || !message->is_object()) {
    return fail(ErrorCategory::data, "malformed response: choices[0] has no 'message' object");
  }
  Completion completion;
  Json raw = Json::object();
  if (const auto content = message->find("content"); content != message->end()) {
    completion.text = content_text(*content);
  }
  if (const auto calls = message->find("tool_calls");
      calls != message->end() && calls->is_array() && !calls->empty()) {
    raw["tool_calls"] = *calls;
  }
  if (const auto reason = choice.find("finish_reason"); reason != choice.end() && reason->is_string()) {
    raw["finish_reason"] = *reason;
  }
  if (const auto logprobs = choice.find("logprobs"); logprobs != choice.end() && logprobs->is_object()) {
    raw["logprobs"] = *logprobs;
  }
  if (!raw.empty()) {
    completion.raw = std::move(raw);
  }
  if (const auto usage = parsed->find("usage"); usage != parsed->end()) {
    completion.usage = openai_usage(*usage);
  }
  return completion;
}

Usage openai_usage(const Json& usage)
{
  Usage out;
  if (!usage.is_object()) {
    return out;
  }
  out.prompt_tokens = count_at(usage, "prompt_tokens");
  out.completion_tokens = count_at(usage, "completion_tokens");
  out.total_tokens = count_at(usage, "total_tokens");
  if (out.total_tokens == 0) {
    out.total_tokens = out.prompt_tokens + out.completion_tokens;
  }
  if (const auto details = usage.find("prompt_tokens_details"); details != usage.end()) {
    out.cached_tokens = count_at(*details, "cached_tokens");
  }
  return out;
}

std::shared_ptr<const Provider> make_openai_wire(OpenAiWire wire)
{
  return std::make_shared<OpenAiWireProvider>(std::move(wire));
}

} // namespace evalgate
