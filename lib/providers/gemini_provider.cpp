#include "providers/gemini_provider.hpp"

#include <fmt/format.h>

#include "providers/wire_support.hpp"

namespace evalgate {

namespace {

std::string camel_case(const std::string& key)
{
  std::string out;
  bool upper = false;
  for (const char c : key) {
    if (c == '_') {
      upper = !out.empty();
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

// Request fields that live beside generationConfig rather than inside it.
bool top_level_field(const std::string& camel)
{
  return camel == "safetySettings" || camel == "tools" || camel == "toolConfig" || camel == "cachedContent" ||
         camel == "labels";
}

Json gemini_params(const Json& params, Json& config)
{
  Json top = Json::object();
  for (const auto& [key, value] : params.items()) {
    const std::string camel = camel_case(key);
    if (camel == "generationConfig" && value.is_object()) {
      config.update(value);
    } else if (top_level_field(camel)) {
      top[camel] = value;
    } else if (camel == "maxTokens" || camel == "maxOutputTokens") {
      config["maxOutputTokens"] = value;
    } else if (camel == "stop" || camel == "stopSequences") {
      config["stopSequences"] = value.is_string() ? Json::array({value}) : value;
    } else if (camel != "dimensions" && camel != "taskType" && camel != "outputDimensionality") {
      config[camel] = value;
    }
  }
  return top;
}

class GeminiProvider final : public Provider {
public:
  GeminiProvider(std::string base_model_url, std::string model, Json params, HeaderList headers,
                 std::vector<std::string> secrets, long timeout_ms, bool stream)
      : m_base_model_url(std::move(base_model_url)), m_model(std::move(model)), m_params(std::move(params)),
        m_headers(std::move(headers)), m_secrets(std::move(secrets)), m_timeout_ms(timeout_ms),
        m_stream(stream)
  {
  }

  Result<HttpRequest> encode(const CallInput& input) const override
  {
    std::string system;
    Json contents = Json::array();
    for (const auto& message : input.messages) {
      if (message.role == "system" || message.role == "developer") {
        system += (system.empty() ? "" : "\n\n") + message.content;
      } else {
        const char* role = message.role == "assistant" || message.role == "model" ? "model" : "user";
        contents.push_back({{"role", role}, {"parts", Json::array({{{"text", message.content}}})}});
      }
    }
    if (contents.empty()) {
      return fail(
          ErrorCategory::data,
          "no messages to send: Gemini needs at least one user or model message besides the system prompt");
    }
    Json body = Json::object();
    if (!system.empty()) {
      body["systemInstruction"] = {{"parts", Json::array({{{"text", system}}})}};
    }
    body["contents"] = std::move(contents);
    Json config = Json::object();
    body.update(gemini_params(m_params, config));
    if (!config.empty()) {
      body["generationConfig"] = std::move(config);
    }
    return request(m_stream ? ":streamGenerateContent?alt=sse" : ":generateContent", body);
  }

  Result<Completion> decode(const HttpResponse& response) const override
  {
    if (m_stream) {
      return decode_whole_stream(*make_gemini_stream_decoder(), response.body);
    }
    return decode_with_accumulator<GeminiAccumulator>(response.body);
  }

  std::vector<std::string> secrets() const override { return m_secrets; }

  std::unique_ptr<StreamDecoder> stream_decoder() const override
  {
    return m_stream ? make_gemini_stream_decoder() : nullptr;
  }

  Result<HttpRequest> encode_embed(const std::vector<std::string>& texts) const override
  {
    Json requests = Json::array();
    for (const auto& text : texts) {
      Json item = {{"model", "models/" + m_model}, {"content", {{"parts", Json::array({{{"text", text}}})}}}};
      for (const auto& [from, to] :
           {std::pair<const char*, const char*>{"dimensions", "outputDimensionality"},
            {"output_dimensionality", "outputDimensionality"},
            {"task_type", "taskType"}}) {
        if (m_params.contains(from)) {
          item[to] = m_params[from];
        }
      }
      requests.push_back(std::move(item));
    }
    return request(":batchEmbedContents", Json{{"requests", std::move(requests)}});
  }

  Result<std::vector<std::vector<float>>> decode_embed(const HttpResponse& response, Usage&) const override
  {
    auto parsed = parse_body(response.body);
    if (!parsed) {
      return fail(parsed.error());
    }
    const auto embeddings = parsed->is_object() ? parsed->find("embeddings") : parsed->end();
    if (!parsed->is_object() || embeddings == parsed->end() || !embeddings->is_array()) {
      if (auto message = error_member_message(*parsed)) {
        return fail(ErrorCategory::data, fmt::format("error in a 200 response: {}", *message));
      }
      return fail(ErrorCategory::data, "malformed embeddings response: expected an 'embeddings' array");
    }
    std::vector<std::vector<float>> vectors;
    for (std::size_t i = 0; i < embeddings->size(); ++i) {
      const Json& item = (*embeddings)[i];
      auto vector = float_vector(item.is_object() && item.contains("values") ? item["values"] : Json());
      if (!vector) {
        return fail(ErrorCategory::data,
                    fmt::format("malformed embeddings response: embeddings[{}].values {}", i,
                                vector.error().message));
      }
      vectors.push_back(std::move(*vector));
    }
    return vectors;
  }

private:
  HttpRequest request(const char* method_suffix, const Json& body) const
  {
    HttpRequest out;
    out.method = "POST";
    out.url = m_base_model_url + method_suffix;
    out.timeout_ms = m_timeout_ms;
    out.headers = m_headers;
    out.body = to_json_text(body);
    out.body_is_json_text = true;
    return out;
  }

  std::string m_base_model_url; // {base}/models/{model}
  std::string m_model;
  Json m_params;
  HeaderList m_headers;
  std::vector<std::string> m_secrets;
  long m_timeout_ms;
  bool m_stream;
};

} // namespace

Result<void> GeminiAccumulator::add(const Json& response)
{
  if (!response.is_object()) {
    return fail(ErrorCategory::data, "malformed response: expected a JSON object with 'candidates'");
  }
  if (auto message = error_member_message(response)) {
    return fail(ErrorCategory::data, fmt::format("error in a 200 response: {}", *message));
  }
  if (const auto meta = response.find("usageMetadata"); meta != response.end() && meta->is_object()) {
    usage.prompt_tokens = count_at(*meta, "promptTokenCount");
    usage.cached_tokens = count_at(*meta, "cachedContentTokenCount");
    usage.completion_tokens = count_at(*meta, "candidatesTokenCount") + count_at(*meta, "thoughtsTokenCount");
    usage.total_tokens = count_at(*meta, "totalTokenCount");
    if (usage.total_tokens == 0) {
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    }
  }
  const auto candidates = response.find("candidates");
  if (candidates == response.end() || !candidates->is_array() || candidates->empty()) {
    const Json feedback = response.value("promptFeedback", Json::object());
    if (feedback.is_object() && feedback.contains("blockReason") && feedback["blockReason"].is_string()) {
      finish_reason = feedback["blockReason"].get<std::string>();
      return {};
    }
    if (candidates == response.end() && response.contains("usageMetadata")) {
      return {}; // a usage-only stream chunk
    }
    return fail(ErrorCategory::data, "malformed response: expected a non-empty 'candidates' array");
  }
  has_candidates = true;
  const Json& candidate = (*candidates)[0];
  if (candidate.contains("finishReason") && candidate["finishReason"].is_string()) {
    finish_reason = candidate["finishReason"].get<std::string>();
  }
  const Json content = candidate.value("content", Json::object());
  const Json parts = content.is_object() ? content.value("parts", Json::array()) : Json::array();
  for (const auto& part : parts) {
    if (!part.is_object() || part.value("thought", false)) {
      continue;
    }
    if (part.contains("text") && part["text"].is_string()) {
      const std::string piece = part["text"].get<std::string>();
      has_content = has_content || !piece.empty();
      text += piece;
    } else if (part.contains("functionCall") && part["functionCall"].is_object()) {
      const Json& call = part["functionCall"];
      const std::string id = call.contains("id") && call["id"].is_string()
                                 ? call["id"].get<std::string>()
                                 : fmt::format("call_{}", tool_calls.size());
      tool_calls.push_back({{"id", id},
                            {"type", "function"},
                            {"function",
                             {{"name", call.value("name", "")},
                              {"arguments", to_json_text(call.value("args", Json::object()))}}}});
      has_content = true;
    }
  }
  return {};
}

Completion GeminiAccumulator::completion() const
{
  Completion out;
  out.text = text;
  out.usage = usage;
  Json raw = Json::object();
  if (!tool_calls.empty()) {
    raw["tool_calls"] = tool_calls;
  }
  if (!finish_reason.empty()) {
    raw["finish_reason"] = finish_reason;
  }
  if (!raw.empty()) {
    out.raw = std::move(raw);
  }
  return out;
}

Result<std::shared_ptr<const Provider>> make_gemini_provider(const ProviderSpec& spec)
{
  if (spec.model.empty()) {
    return fail(ErrorCategory::config, fmt::format("provider '{}' (type gemini) needs 'model'", spec.id),
                spec.location);
  }
  if (auto ok = check_common_spec(spec); !ok) {
    return fail(ok.error());
  }
  auto stream = stream_option(spec);
  if (!stream) {
    return fail(stream.error());
  }
  std::vector<std::string> secrets;
  auto extra_headers = headers_option(spec, secrets);
  if (!extra_headers) {
    return fail(extra_headers.error());
  }
  const std::string base_url =
      trim_trailing_slashes(spec.base_url.empty() ? std::string(k_gemini_default_base_url) : spec.base_url);
  auto api_key =
      resolve_api_key(spec, KeyRule{"GEMINI_API_KEY", true}, base_url == k_gemini_default_base_url);
  if (!api_key) {
    return fail(api_key.error());
  }
  // "models/gemini-2.0-flash" and "gemini-2.0-flash" name the same model.
  const std::string model = spec.model.rfind("models/", 0) == 0 ? spec.model.substr(7) : spec.model;
  HeaderList headers{{"Content-Type", "application/json"}};
  if (!api_key->empty()) {
    headers.emplace_back("x-goog-api-key", *api_key);
    secrets.push_back(*api_key);
  }
  apply_headers(headers, *extra_headers);
  return std::shared_ptr<const Provider>(std::make_shared<GeminiProvider>(
      base_url + "/models/" + model, model, spec.params.is_object() ? spec.params : Json::object(),
      std::move(headers), std::move(secrets), spec.timeout_ms, *stream));
}

} // namespace evalgate
