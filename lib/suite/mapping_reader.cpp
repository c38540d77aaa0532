#include "suite/mapping_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "suite/suggest.hpp"
#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

Result<MappingReader> MappingReader::open(const std::string& display, const YAML::Node& node, std::string_view what,
                                          std::vector<std::string> keys)
{
  if (!node.IsMap()) {
    return fail(ErrorCategory::config, std::string(what) + " must be a mapping, got " + describe(node),
                node_location(display, node));
  }
  std::sort(keys.begin(), keys.end());
  MappingReader reader(display, node);
  for (auto it = node.begin(); it != node.end(); ++it) {
    const Location where = node_location(display, it->first);
    if (!it->first.IsScalar()) {
      return fail(ErrorCategory::config, "keys must be plain names, got " + describe(it->first), where);
    }
    const std::string& key = it->first.Scalar();
    if (!std::binary_search(keys.begin(), keys.end(), key)) {
      return fail(ErrorCategory::config, unknown_name_message("key", key, keys), where);
    }
    if (const auto* previous = reader.find(key)) {
      return fail(ErrorCategory::config,
                  "duplicate key '" + key + "' (first at " + node_location(display, previous->first).str() + ")", where);
    }
    reader.m_entries.emplace_back(it->first, it->second);
  }
  return reader;
}

const std::pair<YAML::Node, YAML::Node>* MappingReader::find(std::string_view key) const
{
  for (const auto& entry : m_entries) {
    if (entry.first.Scalar() == key) {
      return &entry;
    }
  }
  return nullptr;
}

YAML::Node MappingReader::value(std::string_view key) const
{
  const auto* entry = find(key);
  return entry != nullptr ? entry->second : YAML::Node(YAML::NodeType::Undefined);
}

bool MappingReader::has(std::string_view key) const
{
  const auto* entry = find(key);
  return entry != nullptr && !is_nothing(entry->second);
}

Location MappingReader::location() const { return node_location(m_display, m_node); }

Location MappingReader::key_location(std::string_view key) const
{
  const auto* entry = find(key);
  return entry != nullptr ? node_location(m_display, entry->first) : location();
}

Location MappingReader::value_location(std::string_view key) const
{
  const auto* entry = find(key);
  if (entry == nullptr) {
    return location();
  }
  // A null value has no useful mark of its own: point at its key.
  return is_nothing(entry->second) ? node_location(m_display, entry->first) : node_location(m_display, entry->second);
}

Unexpected MappingReader::error(std::string message, Location where) const
{
  return fail(ErrorCategory::config, std::move(message), std::move(where));
}

Unexpected MappingReader::wrong_type(std::string_view key, std::string_view expected) const
{
  return error("'" + std::string(key) + "' must be " + std::string(expected) + ", got " + describe(value(key)),
               value_location(key));
}

Result<std::optional<std::string>> MappingReader::string(std::string_view key) const
{
  if (!has(key)) {
    return std::optional<std::string>();
  }
  const YAML::Node node = value(key);
  if (!node.IsScalar()) {
    return wrong_type(key, "a string");
  }
  if (!valid_utf8(node.Scalar())) {
    return error("'" + std::string(key) + "' is not valid UTF-8", value_location(key));
  }
  return std::optional<std::string>(node.Scalar());
}

Result<std::optional<long>> MappingReader::integer(std::string_view key, long min) const
{
  if (!has(key)) {
    return std::optional<long>();
  }
  const char* expected = min >= 1 ? "a positive integer" : "a non-negative integer";
  const YAML::Node node = value(key);
  if (!node.IsScalar()) {
    return wrong_type(key, expected);
  }
  const std::string& text = node.Scalar();
  long parsed = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end != text.data() + text.size() || parsed < min) {
    return wrong_type(key, expected);
  }
  return std::optional<long>(parsed);
}

Result<std::optional<double>> MappingReader::unit_number(std::string_view key) const
{
  if (!has(key)) {
    return std::optional<double>();
  }
  const YAML::Node node = value(key);
  const Json typed = node.IsScalar() ? plain_scalar_to_json(node.Scalar()) : Json();
  if (!typed.is_number() || !std::isfinite(typed.get<double>()) || typed.get<double>() < 0 ||
      typed.get<double>() > 1) {
    return wrong_type(key, "a number between 0 and 1");
  }
  return std::optional<double>(typed.get<double>());
}

Result<std::optional<double>> MappingReader::non_negative_number(std::string_view key) const
{
  if (!has(key)) {
    return std::optional<double>();
  }
  const YAML::Node node = value(key);
  const Json typed = node.IsScalar() ? plain_scalar_to_json(node.Scalar()) : Json();
  if (!typed.is_number() || !std::isfinite(typed.get<double>()) || typed.get<double>() < 0) {
    return wrong_type(key, "a number >= 0");
  }
  return std::optional<double>(typed.get<double>());
}

} // namespace evalgate::suite_detail
