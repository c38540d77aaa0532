#include "providers/ollama_provider.hpp"

#include "core/json_depth.hpp"

#include <fmt/format.h>

#include "providers/sse.hpp"
#include "providers/wire_support.hpp"

namespace evalgate {

namespace {

bool top_level_param(const std::string& key)
{
  return key == "format" || key == "keep_alive" || key == "think" || key == "tools" || key == "logprobs" ||
         key == "top_logprobs";
}

// What one /api/chat object (the whole response, or one streamed line) adds.
struct OllamaAccumulator {
  std::string text;
  Json tool_calls = Json::array();
  Json logprobs = Json::array();
  std::string done_reason;
  Usage usage;
  bool done = false;
  bool has_content = false;

  Result<void> add(const Json& object)
  {
    if (!object.is_object()) {
      return fail(ErrorCategory::data, "malformed response: expected a JSON object with 'message'");
    }
    if (auto message = error_member_message(object)) {
      return fail(ErrorCategory::data, fmt::format("error in a 200 response: {}", *message));
    }
    if (const auto message = object.find("message"); message != object.end() && message->is_object()) {
      const std::string piece = message->value("content", "");
      has_content = has_content || !piece.empty();
      text += piece;
      for (const auto& call : message->value("tool_calls", Json::array())) {
        const Json function = call.value("function", Json::object());
        const Json arguments = function.value("arguments", Json::object());
        tool_calls.push_back({{"id", call.value("id", fmt::format("call_{}", tool_calls.size()))},
                              {"type", "function"},
                              {"function",
                               {{"name", function.value("name", "")},
                                {"arguments", arguments.is_string() ? arguments.get<std::string>()
                                                                    : to_json_text(arguments)}}}});
        has_content = true;
      }
    } else if (!object.contains("done")) {
      return fail(ErrorCategory::data, "malformed response: expected a 'message' object");
    }
    if (const auto items = object.find("logprobs"); items != object.end() && items->is_array()) {
      for (const auto& item : *items) {
        logprobs.push_back(item);
      }
    }
    if (object.value("done", false)) {
      done = true;
      done_reason = object.value("done_reason", "");
      usage.prompt_tokens = count_at(object, "prompt_eval_count");
      usage.completion_tokens = count_at(object, "eval_count");
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    }
    return {};
  }

  Completion completion() const
  {
    Completion out;
    out.text = text;
    out.usage = usage;
    Json raw = Json::object();
    if (!tool_calls.empty()) {
      raw["tool_calls"] = tool_calls;
    }
    if (!done_reason.empty()) {
      raw["finish_reason"] = done_reason;
    }
    if (!logprobs.empty()) {
      raw["logprobs"] = {{"content", logprobs}};
    }
    if (!raw.empty()) {
      out.raw = std::move(raw);
    }
    return out;
  }
};

class OllamaStreamDecoder final : public StreamDecoder {
public:
  Result<void> feed(std::string_view bytes) override
  {
    return m_lines.feed(bytes, [this](std::string_view line) { return on_line(line); });
  }

  bool has_content() const override { return m_accumulator.has_content; }

  Result<Completion> finish() override
  {
    if (auto ok = m_lines.finish([this](std::string_view line) { return on_line(line); }); !ok) {
      return fail(ok.error());
    }
    if (!m_accumulator.done) {
      return fail(ErrorCategory::data,
                  "stream ended without an object with \"done\": true (truncated response)");
    }
    return m_accumulator.completion();
  }

private:
  Result<void> on_line(std::string_view line)
  {
    if (m_accumulator.done) {
      return {};
    }
    const auto object = parse_json_bounded(line);
    if (object.is_discarded()) {
      return fail(ErrorCategory::data,
                  fmt::format("malformed stream: a line is not JSON ({} bytes)", line.size()));
    }
    if (auto message = error_member_message(object)) {
      return fail(ErrorCategory::data, fmt::format("error event in the stream: {}", *message));
    }
    return guard_json([&] { return m_accumulator.add(object); });
  }

  NdjsonParser m_lines;
  OllamaAccumulator m_accumulator;
};

class OllamaProvider final : public Provider {
public:
  OllamaProvider(std::string base_url, std::string model, Json params, HeaderList headers,
                 std::vector<std::string> secrets, long timeout_ms, bool stream)
      : m_base_url(std::move(base_url)), m_model(std::move(model)), m_params(std::move(params)),
        m_headers(std::move(headers)), m_secrets(std::move(secrets)), m_timeout_ms(timeout_ms),
        m_stream(stream)
  {
  }

  Result<HttpRequest> encode(const CallInput& input) const override
  {
    if (input.messages.empty()) {
      return fail(ErrorCategory::data, "no messages to send: the rendered prompt is empty");
    }
    Json messages = Json::array();
    for (const auto& message : input.messages) {
      messages.push_back({{"role", message.role}, {"content", message.content}});
    }
    Json body = {{"model", m_model}, {"messages", std::move(messages)}, {"stream", m_stream}};
    Json options = Json::object();
    for (const auto& [key, value] : m_params.items()) {
      if (key == "options" && value.is_object()) {
        options.update(value);
      } else if (top_level_param(key)) {
        body[key] = value;
      } else if (key == "max_tokens") {
        options["num_predict"] = value;
      } else if (key != "dimensions") {
        options[key] = value;
      }
    }
    if (!options.empty()) {
      body["options"] = std::move(options);
    }
    return request("/api/chat", body);
  }

  Result<Completion> decode(const HttpResponse& response) const override
  {
    if (m_stream) {
      return decode_whole_stream(*make_ollama_stream_decoder(), response.body);
    }
    return decode_with_accumulator<OllamaAccumulator>(response.body);
  }

  std::vector<std::string> secrets() const override { return m_secrets; }

  std::unique_ptr<StreamDecoder> stream_decoder() const override
  {
    return m_stream ? make_ollama_stream_decoder() : nullptr;
  }

  Result<HttpRequest> encode_embed(const std::vector<std::string>& texts) const override
  {
    Json body = {{"model", m_model}, {"input", texts}};
    if (m_params.contains("dimensions")) {
      body["dimensions"] = m_params["dimensions"];
    }
    if (m_params.contains("keep_alive")) {
      body["keep_alive"] = m_params["keep_alive"];
    }
    return request("/api/embed", body);
  }

  Result<std::vector<std::vector<float>>> decode_embed(const HttpResponse& response,
                                                       Usage& usage) const override
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
      auto vector = float_vector((*embeddings)[i]);
      if (!vector) {
        return fail(ErrorCategory::data, fmt::format("malformed embeddings response: embeddings[{}] {}", i,
                                                     vector.error().message));
      }
      vectors.push_back(std::move(*vector));
    }
    usage.prompt_tokens = count_at(*parsed, "prompt_eval_count");
    usage.total_tokens = usage.prompt_tokens;
    return vectors;
  }

private:
  HttpRequest request(const char* path, const Json& body) const
  {
    HttpRequest out;
    out.method = "POST";
    out.url = m_base_url + path;
    out.timeout_ms = m_timeout_ms;
    out.headers = m_headers;
    out.body = to_json_text(body);
    out.body_is_json_text = true;
    return out;
  }

  std::string m_base_url;
  std::string m_model;
  Json m_params;
  HeaderList m_headers;
  std::vector<std::string> m_secrets;
  long m_timeout_ms;
  bool m_stream;
};

} // namespace

std::unique_ptr<StreamDecoder> make_ollama_stream_decoder()
{
  return std::make_unique<OllamaStreamDecoder>();
}

Result<std::shared_ptr<const Provider>> make_ollama_provider(const ProviderSpec& spec)
{
  if (spec.model.empty()) {
    return fail(ErrorCategory::config, fmt::format("provider '{}' (type ollama) needs 'model'", spec.id),
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
  auto api_key = resolve_api_key(spec, KeyRule{}, false);
  if (!api_key) {
    return fail(api_key.error());
  }
  HeaderList headers{{"Content-Type", "application/json"}};
  if (!api_key->empty()) {
    headers.emplace_back("Authorization", "Bearer " + *api_key);
    secrets.push_back(*api_key);
  }
  apply_headers(headers, *extra_headers);
  const std::string base_url =
      trim_trailing_slashes(spec.base_url.empty() ? std::string(k_ollama_default_base_url) : spec.base_url);
  return std::shared_ptr<const Provider>(std::make_shared<OllamaProvider>(
      base_url, spec.model, spec.params.is_object() ? spec.params : Json::object(), std::move(headers),
      std::move(secrets), spec.timeout_ms, *stream));
}

} // namespace evalgate
