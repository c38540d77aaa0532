#include "providers/azure_openai_provider.hpp"

#include <fmt/format.h>

#include "providers/openai_wire.hpp"
#include "providers/wire_support.hpp"

namespace evalgate {

namespace {

// Path and query values go into the URL as written; reject what would change its structure.
bool url_safe(const std::string& value)
{
  return !value.empty() && value.find_first_of("/?#&= \t\r\n") == std::string::npos;
}

} // namespace

Result<std::shared_ptr<const Provider>> make_azure_openai_provider(const ProviderSpec& spec)
{
  if (auto ok = check_common_spec(spec); !ok) {
    return fail(ok.error());
  }
  auto stream = stream_option(spec);
  auto deployment = string_option(spec, "deployment");
  auto api_version = string_option(spec, "api_version");
  if (!stream) {
    return fail(stream.error());
  }
  if (!deployment) {
    return fail(deployment.error());
  }
  if (!api_version) {
    return fail(api_version.error());
  }
  const std::string endpoint =
      trim_trailing_slashes(spec.base_url.empty() ? env_value("AZURE_OPENAI_ENDPOINT") : spec.base_url);
  if (endpoint.empty()) {
    return fail(
        ErrorCategory::config,
        fmt::format("provider '{}' (type azure-openai) needs 'base_url' (https://RESOURCE.openai.azure.com) "
                    "or AZURE_OPENAI_ENDPOINT",
                    spec.id),
        spec.location);
  }
  const std::string deployment_name = deployment->value_or(spec.model);
  if (deployment_name.empty()) {
    return fail(ErrorCategory::config,
                fmt::format("provider '{}' (type azure-openai) needs 'deployment' (or 'model')", spec.id),
                spec.location);
  }
  std::string version = api_version->value_or(env_value("OPENAI_API_VERSION"));
  if (version.empty()) {
    version = k_azure_default_api_version;
  }
  for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"deployment", &deployment_name},
                                   {"api_version", &version}}) {
    if (!url_safe(*value)) {
      return fail(
          ErrorCategory::config,
          fmt::format("provider '{}': '{}' may not contain '/', '?', '#', '&', '=' or spaces, got '{}'",
                      spec.id, key, *value),
          spec.location);
    }
  }
  OpenAiWire wire;
  auto extra_headers = headers_option(spec, wire.secrets);
  if (!extra_headers) {
    return fail(extra_headers.error());
  }
  auto api_key = resolve_api_key(spec, KeyRule{"AZURE_OPENAI_API_KEY", true}, true);
  if (!api_key) {
    return fail(api_key.error());
  }
  const std::string prefix = endpoint + "/openai/deployments/" + deployment_name;
  const std::string query = "?api-version=" + version;
  wire.chat_url = prefix + "/chat/completions" + query;
  wire.embed_url = prefix + "/embeddings" + query;
  wire.model = spec.model;
  wire.params = spec.params.is_object() ? spec.params : Json::object();
  wire.timeout_ms = spec.timeout_ms;
  wire.stream = *stream;
  wire.headers.emplace_back("Content-Type", "application/json");
  wire.headers.emplace_back("api-key", *api_key);
  wire.secrets.push_back(*api_key);
  apply_headers(wire.headers, *extra_headers);
  return make_openai_wire(std::move(wire));
}

} // namespace evalgate
