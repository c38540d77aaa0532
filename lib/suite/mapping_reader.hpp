#pragma once
// suite/mapping_reader: reads one YAML mapping of the suite file with a fixed set of keys, so every
// section words its errors the same way:
//   unknown key 'promts', did you mean 'prompts'? expected one of: concurrency, datasets, ...
//   'concurrency' must be a positive integer, got 'many'
// Errors are category config at the offending key or value ("file:line:col"). A key whose value is
// null (`key:` with nothing after it, `~`) counts as absent. Internal to the suite module.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/result.hpp"

namespace evalgate::suite_detail {

class MappingReader {
public:
  // Fails when `node` is not a mapping ("<what> must be a mapping, got ..."), or has a key not in
  // `keys` or a key twice.
  static Result<MappingReader> open(const std::string& display, const YAML::Node& node, std::string_view what,
                                    std::vector<std::string> keys);

  // The value of `key`; an undefined node when absent.
  YAML::Node value(std::string_view key) const;
  // Present with a non-null value.
  bool has(std::string_view key) const;

  Location location() const;                          // of the mapping itself
  Location key_location(std::string_view key) const;   // of the key, else the mapping
  Location value_location(std::string_view key) const; // of the value, else the key

  Result<std::optional<std::string>> string(std::string_view key) const;
  // A whole number ≥ min (min 1: "a positive integer", min 0: "a non-negative integer").
  Result<std::optional<long>> integer(std::string_view key, long min) const;
  // A number in [0, 1].
  Result<std::optional<double>> unit_number(std::string_view key) const;
  // A finite number ≥ 0 (latencies, amounts of money).
  Result<std::optional<double>> non_negative_number(std::string_view key) const;

  // A config error at `where` (helper for callers).
  Unexpected error(std::string message, Location where) const;
  const std::string& display() const { return m_display; }

private:
  MappingReader(std::string display, YAML::Node node) : m_display(std::move(display)), m_node(std::move(node)) {}
  const std::pair<YAML::Node, YAML::Node>* find(std::string_view key) const;
  Unexpected wrong_type(std::string_view key, std::string_view expected) const;

  std::string m_display;
  YAML::Node m_node;
  std::vector<std::pair<YAML::Node, YAML::Node>> m_entries;
};

} // namespace evalgate::suite_detail
