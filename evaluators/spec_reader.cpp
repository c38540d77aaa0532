#include "evaluators/spec_reader.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace evalgate {

namespace {

const std::vector<std::string_view> k_common_keys = {"name", "threshold", "type"};

} // namespace

std::string json_type_name(const Json& value)
{
  if (value.is_number()) {
    return "number";
  }
  return value.type_name();
}

SpecReader::SpecReader(const EvaluatorSpec& spec) : m_spec(spec)
{
  const Json* written = find("type");
  m_type = written != nullptr && written->is_string() ? written->get<std::string>() : spec.type;
}

const Json* SpecReader::find(std::string_view key) const
{
  if (!m_spec.config.is_object()) {
    return nullptr;
  }
  auto it = m_spec.config.find(std::string(key));
  return it == m_spec.config.end() ? nullptr : &*it;
}

Result<void> SpecReader::allow_keys(std::initializer_list<std::string_view> keys) const
{
  if (m_spec.config.is_null()) {
    return {};
  }
  if (!m_spec.config.is_object()) {
    return error(
        fmt::format("evaluator '{}' must be a mapping, got {}", m_type, json_type_name(m_spec.config)));
  }
  std::vector<std::string_view> allowed = k_common_keys;
  allowed.insert(allowed.end(), keys.begin(), keys.end());
  std::sort(allowed.begin(), allowed.end());
  for (const auto& item : m_spec.config.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      return error(fmt::format("unknown key '{}' in evaluator '{}'; expected one of: {}", item.key(), m_type,
                               fmt::join(allowed, ", ")));
    }
  }
  if (const Json* name = find("name"); name != nullptr && !name->is_string()) {
    return wrong_type("name", "a string", *name);
  }
  return {};
}

Result<const Json*> SpecReader::require(std::string_view key, std::string_view what) const
{
  const Json* value = find(key);
  if (value == nullptr) {
    return error(fmt::format("evaluator '{}' needs '{}' ({})", m_type, key, what));
  }
  return value;
}

Result<std::string> SpecReader::string_of(std::string_view key, const Json& value) const
{
  if (!value.is_string()) {
    return wrong_type(key, "a string", value);
  }
  return value.get<std::string>();
}

Result<double> SpecReader::number_of(std::string_view key, const Json& value) const
{
  if (!value.is_number()) {
    return wrong_type(key, "a number", value);
  }
  const double number = value.get<double>();
  if (!std::isfinite(number)) {
    return key_error(key, "must be a finite number");
  }
  return number;
}

Result<double> SpecReader::required_limit(std::string_view key, std::string_view what) const
{
  auto value = require(key, what);
  if (!value) {
    return fail(value.error());
  }
  auto limit = number_of(key, **value);
  if (!limit) {
    return fail(limit.error());
  }
  if (*limit < 0) {
    return key_error(key, "must be >= 0, got " + (*value)->dump());
  }
  return *limit;
}

Result<long> SpecReader::whole_number_of(std::string_view key, const Json& value) const
{
  auto number = number_of(key, value);
  if (!number) {
    return fail(number.error());
  }
  if (*number != std::floor(*number) || *number < 0 || *number > 1e15) {
    return key_error(key, fmt::format("must be a whole number >= 0, got {}", value.dump()));
  }
  return static_cast<long>(*number);
}

Result<double> SpecReader::threshold(double fallback) const
{
  const Json* value = find("threshold");
  if (value == nullptr) {
    return fallback;
  }
  auto number = number_of("threshold", *value);
  if (!number) {
    return number;
  }
  if (*number < 0 || *number > 1) {
    return key_error("threshold", fmt::format("must be between 0 and 1, got {}", value->dump()));
  }
  return number;
}

Unexpected SpecReader::key_error(std::string_view key, std::string_view detail) const
{
  return error(fmt::format("evaluator '{}' key '{}' {}", m_type, key, detail));
}

Unexpected SpecReader::error(std::string message) const
{
  return fail(ErrorCategory::config, std::move(message), m_spec.location);
}

Unexpected SpecReader::wrong_type(std::string_view key, std::string_view expected, const Json& got) const
{
  return key_error(key, fmt::format("must be {}, got {}", expected, json_type_name(got)));
}

} // namespace evalgate
