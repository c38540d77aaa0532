#include "engine/trial_scoring.hpp"

#include <future>
#include <utility>

#include "evaluators/registry.hpp"

namespace evalgate {

namespace {

Score guarded_evaluate(const BoundEvaluator& bound, const EvalInput& input)
{
  try {
    Score score = bound.evaluator->evaluate(input);
    score.metric = bound.metric;
    return score;
  } catch (const std::exception& e) {
    Score score;
    score.metric = bound.metric;
    score.error = std::string("internal error in evaluator: ") + e.what();
    return score;
  }
}

} // namespace

Result<EvaluatorList> build_evaluators(const std::vector<EvaluatorSpec>& specs,
                                       const EvaluatorContext& context)
{
  EvaluatorList list;
  for (const auto& spec : specs) {
    auto made = make_evaluator(spec, context);
    if (!made) {
      return fail(made.error());
    }
    list.push_back({spec.name.empty() ? spec.type : spec.name, std::move(made).value()});
  }
  return list;
}

std::vector<Score> score_trial(const EvalInput& input, std::initializer_list<const EvaluatorList*> lists)
{
  std::vector<const BoundEvaluator*> order;
  std::vector<std::size_t> waiting; // positions in `order` of evaluators that call a model
  for (const EvaluatorList* list : lists) {
    for (const auto& bound : *list) {
      if (bound.evaluator->calls_model()) {
        waiting.push_back(order.size());
      }
      order.push_back(&bound);
    }
  }
  std::vector<Score> scores(order.size());
  // All but the last waiting evaluator start on their own threads; the last one and the CPU-only
  // evaluators run here meanwhile.
  std::vector<std::pair<std::size_t, std::future<Score>>> started;
  std::vector<bool> runs_elsewhere(order.size(), false);
  for (std::size_t i = 0; i + 1 < waiting.size(); ++i) {
    const BoundEvaluator* bound = order[waiting[i]];
    runs_elsewhere[waiting[i]] = true;
    started.emplace_back(waiting[i], std::async(std::launch::async,
                                                [bound, &input] { return guarded_evaluate(*bound, input); }));
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (!runs_elsewhere[i]) {
      scores[i] = guarded_evaluate(*order[i], input);
    }
  }
  for (auto& [position, future] : started) {
    scores[position] = future.get();
  }
  return scores;
}

} // namespace evalgate
