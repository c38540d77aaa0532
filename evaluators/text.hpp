#pragma once
// evaluators/text: small text helpers shared by evaluators so reasons read alike. Pure functions,
// thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"

namespace evalgate {

// Number of UTF-8 code points; each invalid byte counts as one.
std::size_t utf8_length(std::string_view text);

// `text` in single quotes, cut to at most `max_chars` code points with "…" when longer, with
// newlines shown as "\n" so a reason stays on one line: 'Dear customer, …'
std::string in_quotes(std::string_view text, std::size_t max_chars = 80);

// Compact JSON, cut like in_quotes() but without quotes.
std::string json_snippet(const Json& value, std::size_t max_chars = 80);

// ASCII case folding; other bytes are left as they are.
std::string ascii_lower(std::string_view text);

// A number as a person writes it: 2000, 0.5, 2310 (no trailing ".0").
std::string format_number(double value);

// "a, b ,,c" → {"a", "b", "c"}: split on commas, trim spaces, drop empty parts.
std::vector<std::string> split_commas(std::string_view text);

// 'a', 'b', 'c'
std::string quoted_list(const std::vector<std::string>& items);

} // namespace evalgate
