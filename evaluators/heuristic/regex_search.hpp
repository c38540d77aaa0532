#pragma once
// evaluators/heuristic/regex_search: std::regex_search that cannot crash the process.
// libstdc++'s regex executor recurses once per input character, so a plain search of a 40 KB
// output with `a.*b` overflows an 8 MB stack (SIGSEGV). Short outputs are searched inline; longer
// ones on a short-lived thread whose stack is sized for the input; outputs beyond a hard limit
// (and the library's own complexity errors) are reported as errors, never as a verdict.
// Thread-safe: `re` is only read.

#include <cstddef>
#include <regex>
#include <string>

#include "core/result.hpp"

namespace evalgate {

constexpr std::size_t k_regex_max_output_bytes = 256 * 1024;

// true when `re` matches somewhere in `text`; an error (category data) when the search could not
// run: "output too long for regex search (300000 bytes > 262144)".
Result<bool> safe_regex_search(const std::string& text, const std::regex& re);

} // namespace evalgate
