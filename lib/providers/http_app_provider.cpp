#include "providers/http_app_provider.hpp"

#include <fmt/format.h>

#include "core/env.hpp"
#include "core/template.hpp"
#include "providers/wire_support.hpp"

namespace evalgate {

namespace {

std::string percent_encode(const std::string& text)
{
  std::string out;
  for (const unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Json percent_encode_strings(const Json& value)
{
  if (value.is_string()) {
    return percent_encode(value.get<std::string>());
  }
  if (value.is_structured()) {
    Json out = value;
    for (auto& item : out) {
      item = percent_encode_strings(item);
    }
    return out;
  }
  return value;
}

// The name inside a string that is exactly one placeholder ("{{ top_k }}"), else empty.
std::string sole_placeholder(const std::string& text)
{
  if (text.size() < 5 || text.rfind("{{", 0) != 0 || text.compare(text.size() - 2, 2, "}}") != 0) {
    return {};
  }
  const std::string inner = text.substr(2, text.size() - 4);
  if (inner.find("{{") != std::string::npos || inner.find("}}") != std::string::npos) {
    return {};
  }
  const std::size_t begin = inner.find_first_not_of(' ');
  const std::size_t end = inner.find_last_not_of(' ');
  return begin == std::string::npos ? std::string() : inner.substr(begin, end - begin + 1);
}

Result<Json> render_json(const Json& value, const Json& vars, const std::string& path)
{
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (const std::string name = sole_placeholder(text); !name.empty()) {
      if (const Json* found = lookup_variable(vars, name)) {
        return *found;
      }
      return fail(ErrorCategory::data, fmt::format("body{}: missing variable '{}'", path, name));
    }
    auto rendered = render_template(text, vars);
    if (!rendered) {
      return fail(ErrorCategory::data, fmt::format("body{}: {}", path, rendered.error().message));
    }
    return Json(std::move(*rendered));
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& [key, item] : value.items()) {
      auto rendered = render_json(item, vars, path + "." + key);
      if (!rendered) {
        return rendered;
      }
      out[key] = std::move(*rendered);
    }
    return out;
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (std::size_t i = 0; i < value.size(); ++i) {
      auto rendered = render_json(value[i], vars, fmt::format("{}[{}]", path, i));
      if (!rendered) {
        return rendered;
      }
      out.push_back(std::move(*rendered));
    }
    return out;
  }
  return value;
}

// Template syntax is checked at load so a typo fails before the first request.
Result<void> check_templates(const Json& value)
{
  if (value.is_string()) {
    auto names = template_variables(value.get<std::string>());
    return names ? Result<void>() : Result<void>(fail(names.error()));
  }
  if (!value.is_structured()) {
    return {};
  }
  for (const auto& item : value) {
    if (auto ok = check_templates(item); !ok) {
      return ok;
    }
  }
  return {};
}

std::vector<std::string> split_path(const std::string& path)
{
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) {
      return parts;
    }
    start = dot + 1;
  }
}

class HttpAppProvider final : public Provider {
public:
  HttpAppProvider(std::string url, std::string method, HeaderList headers, Json body,
                  std::vector<std::string> output, std::vector<std::string> secrets, long timeout_ms)
      : m_url(std::move(url)), m_method(std::move(method)), m_headers(std::move(headers)),
        m_body(std::move(body)), m_output(std::move(output)), m_secrets(std::move(secrets)),
        m_timeout_ms(timeout_ms)
  {
  }

  Result<HttpRequest> encode(const CallInput& input) const override
  {
    Json vars = input.vars != nullptr && input.vars->is_object() ? *input.vars : Json::object();
    std::string prompt;
    Json messages = Json::array();
    for (const auto& message : input.messages) {
      prompt += (prompt.empty() ? "" : "\n\n") + message.content;
      messages.push_back({{"role", message.role}, {"content", message.content}});
    }
    vars["prompt"] = prompt;
    vars["messages"] = std::move(messages);
    HttpRequest request;
    request.method = m_method;
    request.timeout_ms = m_timeout_ms;
    auto url = render_template(m_url, percent_encode_strings(vars));
    if (!url) {
      return fail(ErrorCategory::data, "url: " + url.error().message);
    }
    request.url = std::move(*url);
    for (const auto& [name, value] : m_headers) {
      auto rendered = render_template(value, vars);
      if (!rendered) {
        return fail(ErrorCategory::data, fmt::format("headers.{}: {}", name, rendered.error().message));
      }
      request.headers.emplace_back(name, std::move(*rendered));
    }
    if (m_method != "GET") {
      auto body = render_json(m_body, vars, "");
      if (!body) {
        return fail(body.error());
      }
      request.body = to_json_text(*body);
      request.body_is_json_text = true;
    }
    return request;
  }

  Result<Completion> decode(const HttpResponse& response) const override
  {
    Completion completion;
    if (m_output.empty()) {
      completion.text = response.body;
      return completion;
    }
    auto parsed = parse_body(response.body);
    if (!parsed) {
      return fail(parsed.error());
    }
    const Json* at = &*parsed;
    std::string walked;
    for (const auto& part : m_output) {
      const Json* next = nullptr;
      if (at->is_object() && at->contains(part)) {
        next = &(*at)[part];
      } else if (at->is_array() && !part.empty() && part.size() <= 9 &&
                 part.find_first_not_of("0123456789") == std::string::npos && std::stoul(part) < at->size()) {
        // At most 9 digits: stoul cannot overflow, and no response has a billion-element array.
        next = &(*at)[std::stoul(part)];
      }
      if (next == nullptr) {
        return fail(ErrorCategory::data,
                    fmt::format("response has no '{}' for output path '{}'",
                                walked.empty() ? part : walked + "." + part, join_path()));
      }
      walked += (walked.empty() ? "" : ".") + part;
      at = next;
    }
    completion.text = at->is_string() ? at->get<std::string>()
                      : at->is_null() ? std::string()
                                      : to_json_text(*at);
    return completion;
  }

  std::vector<std::string> secrets() const override { return m_secrets; }

private:
  std::string join_path() const
  {
    std::string out;
    for (const auto& part : m_output) {
      out += (out.empty() ? "" : ".") + part;
    }
    return out;
  }

  std::string m_url;
  std::string m_method;
  HeaderList m_headers;
  Json m_body;
  std::vector<std::string> m_output;
  std::vector<std::string> m_secrets;
  long m_timeout_ms;
};

Unexpected option_error(const ProviderSpec& spec, const std::string& message)
{
  return fail(ErrorCategory::config, fmt::format("provider '{}': {}", spec.id, message), spec.location);
}

} // namespace

Result<std::shared_ptr<const Provider>> make_http_app_provider(const ProviderSpec& spec)
{
  if (spec.timeout_ms <= 0) {
    return option_error(
        spec, fmt::format("timeout_ms must be a positive number of milliseconds, got {}", spec.timeout_ms));
  }
  if (!spec.api_key_env.empty()) {
    return option_error(spec, fmt::format("type http takes no api_key_env; send the key as a header instead "
                                          "(headers: {{Authorization: \"Bearer ${{{}}}\"}})",
                                          spec.api_key_env));
  }
  auto stream = stream_option(spec);
  if (!stream) {
    return fail(stream.error());
  }
  if (*stream) {
    return option_error(spec, "type http does not stream; remove 'stream: true'");
  }
  auto url = string_option(spec, "url");
  auto method = string_option(spec, "method");
  auto output = string_option(spec, "output");
  for (const auto* option : {&url, &method, &output}) {
    if (!*option) {
      return fail(option->error());
    }
  }
  if (!*url || (*url)->empty()) {
    return fail(
        ErrorCategory::config,
        fmt::format("provider '{}' (type http) needs 'url' (the address of your application's endpoint)",
                    spec.id),
        spec.location);
  }
  auto expanded_url = expand_env(**url);
  if (!expanded_url) {
    return option_error(spec, "url: " + expanded_url.error().message);
  }
  if (expanded_url->rfind("http://", 0) != 0 && expanded_url->rfind("https://", 0) != 0) {
    return option_error(spec,
                        fmt::format("'url' must start with http:// or https://, got '{}'", *expanded_url));
  }
  std::string verb = method->value_or("POST");
  for (auto& c : verb) {
    c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (verb != "GET" && verb != "POST" && verb != "PUT" && verb != "PATCH") {
    return option_error(spec,
                        fmt::format("'method' must be one of GET, POST, PUT, PATCH, got '{}'", **method));
  }
  const auto body_it = spec.options.find("body");
  const bool has_body = body_it != spec.options.end() && !body_it->is_null();
  if (has_body && verb == "GET") {
    return option_error(spec, "a GET request has no 'body'; use {{vars}} in 'url' or set 'method: POST'");
  }
  const Json body = has_body ? *body_it : Json{{"prompt", "{{prompt}}"}};
  std::vector<std::string> path;
  if (*output) {
    path = split_path(**output);
    for (const auto& part : path) {
      if (part.empty()) {
        return option_error(spec, fmt::format("'output' must be a dotted path like data.answer or "
                                              "choices.0.message.content, got '{}'",
                                              **output));
      }
    }
  }
  std::vector<std::string> secrets;
  auto headers = headers_option(spec, secrets);
  if (!headers) {
    return fail(headers.error());
  }
  HeaderList all_headers;
  if (verb != "GET") {
    all_headers.emplace_back("Content-Type", "application/json");
  }
  apply_headers(all_headers, *headers);
  for (const auto& [what, value] : {std::pair<std::string, Json>{"url", *expanded_url}, {"body", body}}) {
    if (auto ok = check_templates(value); !ok) {
      return option_error(spec, what + ": " + ok.error().message);
    }
  }
  for (const auto& [name, value] : all_headers) {
    if (auto ok = check_templates(Json(value)); !ok) {
      return option_error(spec, "headers." + name + ": " + ok.error().message);
    }
  }
  return std::shared_ptr<const Provider>(
      std::make_shared<HttpAppProvider>(std::move(*expanded_url), verb, std::move(all_headers), body,
                                        std::move(path), std::move(secrets), spec.timeout_ms));
}

} // namespace evalgate
