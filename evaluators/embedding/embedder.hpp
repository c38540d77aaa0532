#pragma once
// evaluators/embedding/embedder: where embedding evaluators get vectors. A TextEmbedder turns texts
// into vectors, blocking the calling thread (embed) or answering a callback (embed_async, which the
// batcher implements without blocking anyone); it is thread-safe and shared by every
// evaluator of a run that names the same provider. Two kinds exist: the offline built-in embedder
// (pure CPU) and an EmbeddingBatcher in front of a judge's ModelClient::embed (batcher.hpp).
// resolve_embedder() reads an evaluator's `provider` key and returns the right one.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "evaluators/embedding/vector_math.hpp"
#include "evaluators/evaluator.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

using EmbeddingVector = std::shared_ptr<const EmbeddingRow>;

struct EmbedOutcome {
  std::vector<EmbeddingVector> vectors; // one per requested text, in order; empty when error is set
  std::string error;                    // the provider's message; empty on success
  double cost_usd = 0;                  // this request's share of the known cost of the calls made
  bool cost_unknown = false;            // some call made for this request had no known price
  bool ok() const { return error.empty(); }
};

using EmbedOutcomeDone = std::function<void(EmbedOutcome)>;

class TextEmbedder {
public:
  virtual ~TextEmbedder() = default;
  // Blocks until every text has a vector or the request failed. Rows may differ in length only if
  // the provider returned inconsistent dimensions; callers check (see stack_vectors).
  virtual EmbedOutcome embed(const std::vector<std::string>& texts) const = 0;
  // embed() without blocking: `done` runs exactly once, here or later on another thread (see the
  // implementation). The default calls embed() here.
  virtual void embed_async(const std::vector<std::string>& texts, EmbedOutcomeDone done) const
  {
    done(embed(texts));
  }
  // True when embed() waits on the network (a provider), false for the built-in embedder.
  virtual bool calls_model() const = 0;
  // "built-in" or the judge id, for reasons and Score.details.
  virtual const std::string& name() const = 0;
};

// The process-wide built-in embedder (k_builtin_dims dimensions).
std::shared_ptr<const TextEmbedder> builtin_text_embedder();

// Reads the evaluator's optional `provider` key: absent → the built-in embedder; a string naming
// one of context.judge_ids → that judge's shared batcher (from context.embedding_batchers, or a
// private one when the context has none). An unknown id is a config error at the spec's location
// with a did-you-mean. At suite validation (no clients yet) a provider-backed placeholder is
// returned that only reports calls_model() correctly.
Result<std::shared_ptr<const TextEmbedder>> resolve_embedder(const SpecReader& reader,
                                                             const EvaluatorContext& context);

// Stacks `vectors` into a matrix, or fails with "embedding dimensions differ: <labels[0]> has 64,
// <labels[i]> has 32" when they do not all have the same length. labels.size() == vectors.size().
Result<EmbeddingMatrix> stack_vectors(const std::vector<EmbeddingVector>& vectors,
                                      const std::vector<std::string>& labels);

} // namespace evalgate
