#pragma once
// suite/yaml_node: the bridge from yaml-cpp to evalgate values. Suite files and JSON/YAML datasets
// are parsed with yaml-cpp (JSON is YAML), so every node carries a line:column that becomes a
// Location. Scalars are typed the YAML 1.2 core-schema way: plain `0`, `0.7`, `true`, `null`, `~`
// become numbers, booleans and null; quoted scalars stay strings; `yes`/`no` stay strings.
// Internal to the suite module. Pure functions; thread-safe.

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate::suite_detail {

// Parses a whole document. A syntax error is `category` at "file:line:col" with
// "invalid YAML: <message>" ("invalid JSON" when `json` is true). An empty document is a Null node.
Result<YAML::Node> parse_yaml(const std::string& text, const std::string& display, bool json,
                              ErrorCategory category);

// "file:line:col" of a node (1-based); file alone when the node has no mark.
Location node_location(const std::string& display, const YAML::Node& node);

// "file" alone, and "file:row N" for CSV/JSONL rows.
Location file_location(const std::string& display);
Location row_location(const std::string& display, long row);

// How errors show a value: "'many'" for scalars, "a list", "a mapping", "null".
std::string describe(const YAML::Node& node);

// True for a node that is absent or null (`key:` with nothing after it, `~`, `null`).
bool is_nothing(const YAML::Node& node);

// The node as JSON. Duplicate mapping keys, non-scalar keys and invalid UTF-8 are errors
// (`category`) at the offending node.
Result<Json> to_json(const YAML::Node& node, const std::string& display, ErrorCategory category);

// The typed value of one plain scalar: null, bool, int64, double, or the string itself.
Json plain_scalar_to_json(const std::string& text);

// True when `text` is valid UTF-8.
bool valid_utf8(std::string_view text);

} // namespace evalgate::suite_detail
