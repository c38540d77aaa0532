#pragma once
// core/json_depth: a bound on the nesting of JSON that evalgate reads from outside (dataset rows,
// provider responses and stream events, judge replies, model outputs under the JSON evaluators,
// user files). nlohmann parses iteratively but copies, compares and dumps recursively, so a value
// nested 100,000 levels deep parses and then overflows the stack the first time it is copied or
// stored. Text nested deeper than k_max_json_depth is therefore refused before it is parsed.
// Pure functions, no I/O; safe from any thread.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace evalgate {

// Deep enough for any real document (API responses nest < 20 levels), shallow enough that every
// recursive walk over the value stays far from the smallest stack evalgate runs on, and below
// yaml-cpp's own parser guard (~497 levels of flow nesting), so one bound holds for JSON and YAML.
inline constexpr int k_max_json_depth = 256;

// The 0-based byte offset of the '[' or '{' that opens level `max_depth + 1` (brackets inside
// strings do not count); nullopt when the text stays within `max_depth`. Does not validate JSON.
std::optional<std::size_t> json_depth_exceeded(std::string_view text, int max_depth = k_max_json_depth);

// "nested deeper than 256 levels (byte 1025)": the message for a refused text.
std::string json_depth_message(std::size_t offset);

// Json::parse(text, nullptr, false), except that text nested deeper than k_max_json_depth is
// also returned discarded (is_discarded() true) without being parsed.
Json parse_json_bounded(std::string_view text);

} // namespace evalgate
