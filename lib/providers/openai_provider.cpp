#include "providers/openai_provider.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace evalgate {

namespace {

constexpr const char* k_default_key_env = "OPENAI_API_KEY";

std::string trim_trailing_slashes(std::string url)
{
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

std::string env_value(const std::string& name)
{
  const char* value = std::getenv(name.c_str());
  return value != nullptr ? std::string(value) : std::string();
}

std::int64_t token_count(const Json& usage, const char* name)
{
  const auto it = usage.find(name);
  if (it == usage.end() || !it->is_number()) {
    return 0;
  }
  return it->is_number_integer() ? it->get<std::int64_t>() : static_cast<std::int64_t>(it->get<double>());
}

// Compatible servers sometimes answer with content parts instead of a string; keep their text.
std::string content_text(const Json& content)
{
  if (content.is_string()) {
    return content.get<std::string>();
  }
  std::string text;
  if (content.is_array()) {
    for (const auto& part : content) {
      if (part.is_object() && part.contains("text") && part["text"].is_string()) {
        text += part["text"].get<std::string>();
      }
    }
  }
  return text;
}

class OpenAiProvider final : public Provider {
public:
  OpenAiProvider(std::string url, std::string model, Json params, std::string api_key, long timeout_ms)
    : m_url(std::move(url)),
      m_model(std::move(model)),
      m_params(std::move(params)),
      m_api_key(std::move(api_key)),
      m_timeout_ms(timeout_ms)
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
    Json body = {{"model", m_model}, {"messages", std::move(messages)}};
    if (m_params.is_object()) {
      for (const auto& [key, value] : m_params.items()) {
        body[key] = value;
      }
    }
    HttpRequest request;
    request.method = "POST";
    request.url = m_url;
    request.timeout_ms = m_timeout_ms;
    request.headers.emplace_back("Content-Type", "application/json");
    if (!m_api_key.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + m_api_key);
    }
    // Rendered prompts may carry invalid UTF-8 from data files; replace it rather than fail the call.
    request.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    return request;
  }

  Result<Completion> decode(const HttpResponse& response) const override
  {
    const auto parsed = Json::parse(response.body, nullptr, false);
    if (parsed.is_discarded()) {
      return fail(ErrorCategory::data,
                  fmt::format("malformed response: body is not JSON ({} bytes)", response.body.size()));
    }
    if (!parsed.is_object()) {
      return fail(ErrorCategory::data, "malformed response: expected a JSON object with 'choices'");
    }
    const auto choices = parsed.find("choices");
    if (choices == parsed.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
      // Some gateways (OpenRouter) report errors in a 200 body.
      if (const auto error = parsed.find("error"); error != parsed.end()) {
        const auto text = error->is_object() && error->contains("message") && (*error)["message"].is_string()
                            ? (*error)["message"].get<std::string>()
                            : error->dump(-1, ' ', false, Json::error_handler_t::replace);
        return fail(ErrorCategory::data, fmt::format("error in a 200 response: {}", text));
      }
      return fail(ErrorCategory::data, "malformed response: expected a non-empty 'choices' array");
    }
    const auto& choice = (*choices)[0];
    const auto message = choice.find("message");
    if (message == choice.end() || !message->is_object()) {
      return fail(ErrorCategory::data, "malformed response: choices[0] has no 'message' object");
    }
    Completion completion;
    if (const auto content = message->find("content"); content != message->end()) {
      completion.text = content_text(*content);
    }
    if (const auto usage = parsed.find("usage"); usage != parsed.end() && usage->is_object()) {
      completion.usage.prompt_tokens = token_count(*usage, "prompt_tokens");
      completion.usage.completion_tokens = token_count(*usage, "completion_tokens");
      completion.usage.total_tokens = token_count(*usage, "total_tokens");
      if (completion.usage.total_tokens == 0) {
        completion.usage.total_tokens = completion.usage.prompt_tokens + completion.usage.completion_tokens;
      }
    }
    return completion;
  }

  std::vector<std::string> secrets() const override
  {
    if (m_api_key.empty()) {
      return {};
    }
    return {m_api_key};
  }

private:
  std::string m_url;
  std::string m_model;
  Json m_params;
  std::string m_api_key;
  long m_timeout_ms;
};

} // namespace

Result<std::shared_ptr<const Provider>> make_openai_provider(const ProviderSpec& spec)
{
  if (spec.model.empty()) {
    return fail(ErrorCategory::config, fmt::format("provider '{}' (type openai) needs 'model'", spec.id),
                spec.location);
  }
  if (spec.timeout_ms <= 0) {
    return fail(ErrorCategory::config,
                fmt::format("provider '{}': timeout_ms must be a positive number of milliseconds, got {}", spec.id,
                            spec.timeout_ms),
                spec.location);
  }
  if (!spec.params.is_null() && !spec.params.is_object()) {
    return fail(ErrorCategory::config,
                fmt::format("provider '{}': 'params' must be a mapping (temperature, seed, max_tokens, ...)", spec.id),
                spec.location);
  }
  const std::string base_url =
    trim_trailing_slashes(spec.base_url.empty() ? std::string(k_openai_default_base_url) : spec.base_url);
  std::string api_key;
  if (!spec.api_key_env.empty()) {
    api_key = env_value(spec.api_key_env);
    if (api_key.empty()) {
      return fail(ErrorCategory::config,
                  fmt::format("environment variable {} (api_key_env of provider '{}') is not set", spec.api_key_env,
                              spec.id),
                  spec.location);
    }
  } else {
    api_key = env_value(k_default_key_env);
    if (api_key.empty() && base_url == k_openai_default_base_url) {
      return fail(ErrorCategory::config,
                  fmt::format("environment variable {} is not set; provider '{}' needs it (or set api_key_env / "
                              "base_url)",
                              k_default_key_env, spec.id),
                  spec.location);
    }
  }
  return std::shared_ptr<const Provider>(std::make_shared<OpenAiProvider>(
    base_url + "/chat/completions", spec.model, spec.params.is_object() ? spec.params : Json::object(), api_key,
    spec.timeout_ms));
}

} // namespace evalgate
