#pragma once
// evaluators/embedding: the factories of the evaluators that compare texts by embedding vectors.
// Each is listed once in registry.cpp. Vectors come from the built-in embedder or, with
// `provider: <judge id>`, from that judge's embeddings API through a shared batcher (embedder.hpp).

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/evaluator.hpp"

namespace evalgate {

// `similarity`: cosine between the output and the templated `reference`; threshold default 0.8.
Result<std::unique_ptr<Evaluator>> make_similarity(const EvaluatorSpec& spec,
                                                   const EvaluatorContext& context);

// `answer-relevance-embedding`: a judge writes questions the output answers; score = mean cosine of
// their embeddings with the templated `question` (ragas answer relevancy).
Result<std::unique_ptr<Evaluator>> make_answer_relevance_embedding(const EvaluatorSpec& spec,
                                                                   const EvaluatorContext& context);

} // namespace evalgate
