#pragma once
// engine/trial_scoring: an evaluator bound to its metric name, and the scoring of one trial with
// its evaluators. Evaluators that call a model (judges, embedding judges, scripts) each wait a round
// trip; a trial's model calls are all under way at once, so its scoring costs one round trip, not
// one per judge. Those that can wait without a thread (evaluates_async(): single-call judges,
// embeddings through the batcher) hold none; the others block a thread each. Scores keep the
// evaluators' order either way. Evaluators are shared by concurrent trials and must be thread-safe
// (evaluators/evaluator.hpp).

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/evaluator.hpp"

namespace evalgate {

struct BoundEvaluator {
  std::string metric;
  std::unique_ptr<Evaluator> evaluator;
  // CPU-only and about linear in the output (contains, regex, is-json, the length and cost
  // checks): cheap enough to run on the thread that delivered the answer, even a transport's
  // I/O thread, when the output is small (k_inline_output_bytes). Set by build_evaluators.
  bool cheap = false;
};

using EvaluatorList = std::vector<BoundEvaluator>;

// Outputs longer than this are never scored on the delivering thread: every CPU-only evaluator
// then counts as expensive.
constexpr std::size_t k_inline_output_bytes = 16 * 1024;

// Whether evaluators of `type` (with or without `not-`) are cheap in the sense above.
bool is_cheap_type(std::string_view type);

// Builds every evaluator of `specs` (already validated when the suite was loaded).
Result<EvaluatorList> build_evaluators(const std::vector<EvaluatorSpec>& specs,
                                       const EvaluatorContext& context);

// Runs a job on a thread that may block for a model round trip (a pool sized for waiting).
using BlockingRunner = std::function<void(std::function<void()> job)>;
using ScoresDone = std::function<void(std::vector<Score>)>;

// Scores `input` under every evaluator of `lists` without waiting here for any model: evaluators
// that evaluate asynchronously are started first, those that block on a model go to
// `run_blocking` (one job each), CPU-only ones that are not cheap (or all CPU-only ones when the
// output is longer than k_inline_output_bytes) go to `run_expensive` as one job when it is given,
// and the rest run here. `done` runs exactly once with the scores in the evaluators' order, on
// whichever thread produced the last score (this one, before returning, when nothing was handed
// off; else often a transport's I/O thread). `input`'s case and trial must stay alive until then.
// An evaluator that throws gives an errored score ("internal error in evaluator: ..."), never an
// exception.
void score_trial_async(const EvalInput& input, std::initializer_list<const EvaluatorList*> lists,
                       const BlockingRunner& run_blocking, ScoresDone done,
                       const BlockingRunner& run_expensive = {});

// The same, blocking until every score is in: blocking evaluators run on threads of their own but
// the last, which runs here.
std::vector<Score> score_trial(const EvalInput& input, std::initializer_list<const EvaluatorList*> lists);

} // namespace evalgate
