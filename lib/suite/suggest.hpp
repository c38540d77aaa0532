#pragma once
// suite/suggest: "did you mean" for names the user typed (keys, provider types, metrics,
// candidates). Pure functions; internal to the suite module.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evalgate::suite_detail {

// The candidate closest to `typed` by edit distance, when close enough to be a plausible typo
// (distance ≤ max(2, length/3)); ties go to the earlier candidate.
std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string>& candidates);

// "a, b, c" in the order given.
std::string join(const std::vector<std::string>& names, std::string_view separator = ", ");

// "unknown X 'typed', did you mean 'y'? expected one of: a, b" — `what` is "key", "provider type"...
// `sorted_names` are listed as given.
std::string unknown_name_message(std::string_view what, std::string_view typed,
                                 const std::vector<std::string>& sorted_names);

} // namespace evalgate::suite_detail
