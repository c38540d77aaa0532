#include "providers/anthropic_provider.hpp"

#include <fmt/format.h>

#include "providers/wire_support.hpp"

namespace evalgate {

namespace {

class AnthropicProvider final : public Provider {
public:
  AnthropicProvider(std::string url, std::string model, Json params, HeaderList headers,
                    std::vector<std::string> secrets, long timeout_ms, bool stream)
      : m_url(std::move(url)), m_model(std::move(model)), m_params(std::move(params)),
        m_headers(std::move(headers)), m_secrets(std::move(secrets)), m_timeout_ms(timeout_ms),
        m_stream(stream)
  {
  }

  Result<HttpRequest> encode(const CallInput& input) const override
  {
    std::string system;
    Json messages = Json::array();
    for (const auto& message : input.messages) {
      if (message.role == "system" || message.role == "developer") {
        system += (system.empty() ? "" : "\n\n") + message.content;
      } else {
        messages.push_back({{"role", message.role}, {"content", message.content}});
      }
    }
    if (messages.empty()) {
      return fail(
          ErrorCategory::data,
          "no messages to send: Anthropic needs at least one user or assistant message besides the system "
          "prompt");
    }
    Json body = {{"model", m_model}, {"max_tokens", k_anthropic_default_max_tokens}};
    if (!system.empty()) {
      body["system"] = system;
    }
    body["messages"] = std::move(messages);
    if (m_stream) {
      body["stream"] = true;
    }
    for (const auto& [key, value] : m_params.items()) {
      body[key] = value;
    }
    HttpRequest request;
    request.method = "POST";
    request.url = m_url;
    request.timeout_ms = m_timeout_ms;
    request.headers = m_headers;
    request.body = to_json_text(body);
    request.body_is_json_text = true;
    return request;
  }

  Result<Completion> decode(const HttpResponse& response) const override
  {
    if (m_stream) {
      return decode_whole_stream(*make_anthropic_stream_decoder(), response.body);
    }
    return guard_json([&] { return decode_message(response); });
  }

  std::vector<std::string> secrets() const override { return m_secrets; }

  std::unique_ptr<StreamDecoder> stream_decoder() const override
  {
    return m_stream ? make_anthropic_stream_decoder() : nullptr;
  }

private:
  Result<Completion> decode_message(const HttpResponse& response) const
  {
    auto parsed = parse_body(response.body);
    if (!parsed) {
      return fail(parsed.error());
    }
    if (!parsed->is_object()) {
      return fail(ErrorCategory::data, "malformed response: expected a JSON object with 'content'");
    }
    if (parsed->value("type", "") == "error") {
      return fail(ErrorCategory::data, fmt::format("error in a 200 response: {}",
                                                   error_member_message(*parsed).value_or("(no message)")));
    }
    const auto content = parsed->find("content");
    if (content == parsed->end() || !content->is_array()) {
      return fail(ErrorCategory::data, "malformed response: expected a 'content' array");
    }
    Completion completion;
    Json calls = Json::array();
    for (const auto& block : *content) {
      if (!block.is_object()) {
        continue;
      }
      const std::string type = block.value("type", "");
      if (type == "text" && block.contains("text") && block["text"].is_string()) {
        completion.text += block["text"].get<std::string>();
      } else if (type == "tool_use") {
        const Json input = block.contains("input") ? block["input"] : Json::object();
        calls.push_back(
            anthropic_tool_call(block.value("id", ""), block.value("name", ""), to_json_text(input)));
      }
    }
    Json raw = Json::object();
    if (!calls.empty()) {
      raw["tool_calls"] = std::move(calls);
    }
    if (const auto reason = parsed->find("stop_reason"); reason != parsed->end() && reason->is_string()) {
      raw["finish_reason"] = *reason;
    }
    if (!raw.empty()) {
      completion.raw = std::move(raw);
    }
    if (const auto usage = parsed->find("usage"); usage != parsed->end()) {
      completion.usage = anthropic_usage(*usage);
    }
    return completion;
  }

  std::string m_url;
  std::string m_model;
  Json m_params;
  HeaderList m_headers;
  std::vector<std::string> m_secrets;
  long m_timeout_ms;
  bool m_stream;
};

} // namespace

Usage anthropic_usage(const Json& usage)
{
  Usage out;
  if (!usage.is_object()) {
    return out;
  }
  const std::int64_t cache_read = count_at(usage, "cache_read_input_tokens");
  out.prompt_tokens =
      count_at(usage, "input_tokens") + cache_read + count_at(usage, "cache_creation_input_tokens");
  out.cached_tokens = cache_read;
  out.completion_tokens = count_at(usage, "output_tokens");
  out.total_tokens = out.prompt_tokens + out.completion_tokens;
  return out;
}

Json anthropic_tool_call(const std::string& id, const std::string& name, const std::string& arguments)
{
  return {{"id", id}, {"type", "function"}, {"function", {{"name", name}, {"arguments", arguments}}}};
}

Result<std::shared_ptr<const Provider>> make_anthropic_provider(const ProviderSpec& spec)
{
  if (spec.model.empty()) {
    return fail(ErrorCategory::config, fmt::format("provider '{}' (type anthropic) needs 'model'", spec.id),
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
  const std::string base_url = trim_trailing_slashes(
      spec.base_url.empty() ? std::string(k_anthropic_default_base_url) : spec.base_url);
  auto api_key =
      resolve_api_key(spec, KeyRule{"ANTHROPIC_API_KEY", true}, base_url == k_anthropic_default_base_url);
  if (!api_key) {
    return fail(api_key.error());
  }
  HeaderList headers{{"content-type", "application/json"}, {"anthropic-version", k_anthropic_version}};
  if (!api_key->empty()) {
    headers.emplace_back("x-api-key", *api_key);
    secrets.push_back(*api_key);
  }
  apply_headers(headers, *extra_headers);
  return std::shared_ptr<const Provider>(std::make_shared<AnthropicProvider>(
      base_url + "/v1/messages", spec.model, spec.params.is_object() ? spec.params : Json::object(),
      std::move(headers), std::move(secrets), spec.timeout_ms, *stream));
}

} // namespace evalgate
