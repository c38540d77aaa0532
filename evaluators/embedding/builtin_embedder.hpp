#pragma once
// evaluators/embedding/builtin_embedder: the offline embedder used when an embedding evaluator
// names no provider. No model and no download: each text becomes a signed feature-hashing vector
// of its lower-cased word unigrams, word bigrams and character 3- to 5-grams (within words, with a
// boundary mark), each family L2-normalised and weighted, the sum L2-normalised again. It measures
// LEXICAL closeness (shared words and word pieces), not meaning: "car" and "automobile" are
// unrelated to it. Deterministic across runs and machines (fixed hash, no seed). Pure, thread-safe.
// Depends on Eigen and std only, so the benchmark can compile it with optimisation.

#include <string>
#include <vector>

#include "evaluators/embedding/vector_math.hpp"

namespace evalgate {

inline constexpr int k_builtin_dims = 512;

// One unit-norm row per text, in order; an empty text (or one without letters or digits) is the
// zero row. `dims` >= 1.
EmbeddingMatrix builtin_embed(const std::vector<std::string>& texts, int dims = k_builtin_dims);

} // namespace evalgate
