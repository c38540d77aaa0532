#pragma once
// core/suggest: "did you mean" for names a user typed (keys, types, metrics, candidates).
// Pure functions.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evalgate {

// Edit distance (insert, delete, substitute; one byte = one symbol).
std::size_t levenshtein(std::string_view a, std::string_view b);

// The candidate nearest to `word`, when it is close enough to be a plausible typo: at most
// max(2, len/3) edits away. Ties go to the earlier candidate.
std::optional<std::string> nearest_name(std::string_view word, const std::vector<std::string>& candidates);

} // namespace evalgate
