#pragma once
// mock/embeddings: deterministic text vectors and word counts for the mock provider.
// embed_text hashes words and character trigrams (FNV-1a, signed by a hash bit) into `dims`
// buckets and L2-normalises, so the same text always gives the same unit vector on every
// platform, texts sharing words and spellings score a high cosine, and unrelated texts score
// near zero. Pure functions; thread-safe. Internal to lib/mock. May use: core.

#include <cstdint>
#include <string_view>
#include <vector>

namespace evalgate::mock {

// A unit-length vector of `dims` (>= 1) components. Text without letters or digits maps to a
// fixed unit vector.
std::vector<double> embed_text(std::string_view text, int dims);

// Whitespace-separated words in `text` (0 for blank text).
std::int64_t count_words(std::string_view text);

} // namespace evalgate::mock
