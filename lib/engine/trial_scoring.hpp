#pragma once
// engine/trial_scoring: an evaluator bound to its metric name, and the scoring of one trial with
// its evaluators. Evaluators that call a model (judges, embedding judges, scripts) each wait a round
// trip; when a trial has several, they run at the same time — one on the calling thread, the others
// on threads of their own — so a trial's scoring costs one round trip, not one per judge. Scores
// keep the evaluators' order either way. Evaluators are shared by concurrent trials and must be
// thread-safe (evaluators/evaluator.hpp).

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/evaluator.hpp"

namespace evalgate {

struct BoundEvaluator {
  std::string metric;
  std::unique_ptr<Evaluator> evaluator;
};

using EvaluatorList = std::vector<BoundEvaluator>;

// Builds every evaluator of `specs` (already validated when the suite was loaded).
Result<EvaluatorList> build_evaluators(const std::vector<EvaluatorSpec>& specs,
                                       const EvaluatorContext& context);

// The scores of `input` under every evaluator of `lists`, in order. An evaluator that throws gives
// an errored score ("internal error in evaluator: ..."), never an exception.
std::vector<Score> score_trial(const EvalInput& input, std::initializer_list<const EvaluatorList*> lists);

} // namespace evalgate
