#pragma once
// evaluators/judge/g_eval_logprobs: G-Eval's probability-weighted score (deepeval's
// calculate_weighted_summed_score, made explicit). `logprobs` is CallResult.raw["logprobs"] in
// OpenAI's shape {"content": [{"token", "logprob", "top_logprobs": [{"token", "logprob"}]}]}.
// The score token is the one carrying the value of the reply's "score" field (found by offset in
// the concatenated tokens; else the last token equal to the raw score, as deepeval does). Over
// its top_logprobs, tokens that are whole numbers within [min_score, max_score] with probability
// >= 0.01 are kept; probabilities of the same number are summed; the result is
// Σ s·p / Σ p. nullopt when the token or any usable alternative is missing: callers then use the
// plain parsed score. Pure; thread-safe.

#include <optional>

#include "core/types.hpp"

namespace evalgate {

std::optional<double> logprob_weighted_score(const Json& logprobs, int raw_score, int min_score,
                                             int max_score);

} // namespace evalgate
