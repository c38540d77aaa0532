#pragma once
// evaluators/evaluator: what every evaluator is. An Evaluator is built once per suite entry from
// its EvaluatorSpec (validated then, before any request) and is a stateless, thread-safe function
// of a trial: evaluate() may run concurrently on worker threads. Templated config values
// (`value: "{{expected}}"`) are rendered per case inside evaluate(); a render failure is an
// errored score, never a pass.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

class ModelClient;
class EmbeddingBatchers;

// What a factory may need beyond its spec. At suite validation no clients exist yet: judge_ids
// is filled and `client` is empty (factories check references, not connections). At run time
// `client(id)` returns the judge's ModelClient (owned by the engine, outliving the evaluator).
struct EvaluatorContext {
  std::vector<std::string> judge_ids; // suite `judges:` in order; the first is the default judge
  std::function<ModelClient*(const std::string& id)> client;
  std::string base_dir; // the suite's folder: custom judge templates and scripts resolve here
  // One embedding batcher and cache per judge id, shared by every evaluator of a run (set by the
  // engine); null at validation and in tests, where each evaluator makes its own.
  std::shared_ptr<EmbeddingBatchers> embedding_batchers;
};

struct EvalInput {
  const Case& test_case;
  const Trial& trial; // trial.ok() is true: errored trials are not scored
};

using ScoreDone = std::function<void(Score)>;

class Evaluator {
public:
  virtual ~Evaluator() = default;
  // Score.metric is filled by the registry wrapper; implementations may leave it empty.
  virtual Score evaluate(const EvalInput& input) const = 0;
  // True when evaluate() waits on a model (judge, embeddings) or a process: the engine runs it on
  // a pool sized for waiting rather than on the CPU worker pool.
  virtual bool calls_model() const { return false; }

  // True when evaluate_async() waits for its model without holding a thread (a single judge call,
  // embeddings through the batcher): the engine then starts it and moves on, and no thread sleeps
  // for the round trip.
  virtual bool evaluates_async() const { return false; }
  // Scores `input` and calls `done` exactly once with the score: on this thread before returning,
  // or later on another (typically a transport's I/O thread, so `done` must be quick). It either
  // calls `done` or throws without having called it and never calls it afterwards. `input` (its
  // case and trial) must stay alive until `done` has run. The default runs evaluate() here.
  virtual void evaluate_async(const EvalInput& input, ScoreDone done) const { done(evaluate(input)); }
};

} // namespace evalgate
