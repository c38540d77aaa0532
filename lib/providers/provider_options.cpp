#include "providers/provider_options.hpp"

#include <filesystem>

#include <fmt/format.h>

namespace evalgate {

namespace {

Unexpected bad_value(const ProviderSpec& spec, const char* key, const std::string& expected, const Json& got)
{
  return fail(ErrorCategory::config,
              fmt::format("provider '{}': {} must be {}, got {}", spec.id, key, expected, got.dump()),
              spec.location);
}

} // namespace

std::string resolve_ca_bundle(const ProviderSpec& spec, const std::string& path)
{
  const std::filesystem::path bundle(path);
  if (bundle.is_absolute() || spec.location.file.empty()) {
    return path;
  }
  return (std::filesystem::path(spec.location.file).parent_path() / bundle).string();
}

Result<void> check_common_options(const ProviderSpec& spec)
{
  const Json& options = spec.options;
  for (const char* key : {"requests_per_minute", "tokens_per_minute"}) {
    if (const auto it = options.find(key);
        it != options.end() && (!it->is_number() || it->get<double>() <= 0)) {
      return bad_value(spec, key, "a positive number", *it);
    }
  }
  if (const auto it = options.find("stream"); it != options.end() && !it->is_boolean()) {
    return bad_value(spec, "stream", "true or false", *it);
  }
  if (const auto it = options.find("fallback");
      it != options.end() && (!it->is_string() || it->empty() || it->get<std::string>().empty())) {
    return bad_value(spec, "fallback", "another provider's id", *it);
  }
  if (const auto it = options.find("ca_bundle"); it != options.end()) {
    if (!it->is_string() || it->get<std::string>().empty()) {
      return bad_value(spec, "ca_bundle", "the path of a PEM CA bundle file", *it);
    }
    const std::string path = resolve_ca_bundle(spec, it->get<std::string>());
    std::error_code ignored;
    if (!std::filesystem::is_regular_file(path, ignored)) {
      return fail(ErrorCategory::config,
                  fmt::format("provider '{}': ca_bundle file '{}' does not exist", spec.id, path),
                  spec.location);
    }
  }
  return {};
}

} // namespace evalgate
