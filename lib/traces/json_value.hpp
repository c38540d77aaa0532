#pragma once
// traces/json_value: small, format-independent helpers the trace readers share: simdjson → Json
// conversion, ISO-8601 timestamps, UTF-8 repair, trace-id normalisation and lenient number reads
// (int64 as a JSON number or a decimal string, as OTLP/JSON allows). Pure functions, thread-safe.
// Internal to lib/traces (pulls in simdjson).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/types.hpp"

namespace evalgate::traces {

// A DOM element of simdjson as an nlohmann Json value (numbers keep int/uint/double).
Json to_json(simdjson::dom::element element);

// "2026-08-18T15:12:03.114Z", "…+02:00", or without a zone (read as UTC, as LangSmith writes them);
// a space may stand for the "T". nullopt when the text is not such a timestamp.
std::optional<std::int64_t> parse_iso8601_nanos(std::string_view text);

// Replaces every invalid UTF-8 sequence by U+FFFD. `replaced` (may be null) gets how many.
std::string repair_utf8(std::string_view text, std::size_t* replaced = nullptr);

// Lowercase; for a UUID (8-4-4-4-12 hex) the dashes are removed as well (traces.md §0).
std::string normalise_trace_id(std::string_view id);
bool is_hex(std::string_view text);
std::string to_lower(std::string_view text);

// Lenient readers of Json values: integers from numbers or decimal strings, doubles from numbers or
// numeric strings (including "NaN"/"Infinity" as proto3 JSON writes them). nullopt otherwise.
std::optional<std::int64_t> json_int(const Json& value);
std::optional<double> json_double(const Json& value);
// A decimal int64 (optional sign, nothing else); nullopt otherwise.
std::optional<std::int64_t> parse_int64(std::string_view text);
// A string value, or "" for anything else.
std::string json_string(const Json& value);
// The member `key` of an object, or null (a static null) when absent or not an object.
const Json& member(const Json& object, std::string_view key);
// Text holding a JSON object or array, parsed; nullopt when it is neither or does not parse.
std::optional<Json> parse_json_text(std::string_view text);
// What parse_json_text(text) gives, without building it: nullopt when it gives nullopt, else
// whether the value is an array.
std::optional<bool> json_text_is_array(std::string_view text);
// A string that holds a JSON object or array is parsed; anything else is returned as is.
Json parse_if_json_text(const Json& value);

} // namespace evalgate::traces
