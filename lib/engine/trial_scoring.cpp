#include "engine/trial_scoring.hpp"

#include <atomic>
#include <future>
#include <utility>

#include "evaluators/registry.hpp"

namespace evalgate {

namespace {

Score internal_error(const BoundEvaluator& bound, const std::exception& e)
{
  Score score;
  score.metric = bound.metric;
  score.error = std::string("internal error in evaluator: ") + e.what();
  return score;
}

Score guarded_evaluate(const BoundEvaluator& bound, const EvalInput& input)
{
  try {
    Score score = bound.evaluator->evaluate(input);
    score.metric = bound.metric;
    return score;
  } catch (const std::exception& e) {
    return internal_error(bound, e);
  }
}

// The scores of one trial as they come in, from any thread; the last one in hands them on.
struct Scoring {
  std::vector<Score> scores;
  std::atomic<std::size_t> remaining;
  ScoresDone done;

  Scoring(std::size_t count, ScoresDone on_done) : scores(count), remaining(count), done(std::move(on_done))
  {
  }

  void put(std::size_t position, Score score)
  {
    scores[position] = std::move(score);
    if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      done(std::move(scores));
    }
  }
};

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

void score_trial_async(const EvalInput& input, std::initializer_list<const EvaluatorList*> lists,
                       const BlockingRunner& run_blocking, ScoresDone done)
{
  std::vector<const BoundEvaluator*> order;
  for (const EvaluatorList* list : lists) {
    for (const auto& bound : *list) {
      order.push_back(&bound);
    }
  }
  if (order.empty()) {
    done({});
    return;
  }
  auto scoring = std::make_shared<Scoring>(order.size(), std::move(done));
  // Model calls first, so their round trips overlap the CPU-only evaluators below.
  for (std::size_t i = 0; i < order.size(); ++i) {
    const BoundEvaluator* bound = order[i];
    if (!bound->evaluator->evaluates_async()) {
      continue;
    }
    try {
      bound->evaluator->evaluate_async(input, [scoring, i, bound](Score score) {
        score.metric = bound->metric;
        scoring->put(i, std::move(score));
      });
    } catch (const std::exception& e) {
      scoring->put(i, internal_error(*bound, e)); // thrown without answering (evaluator.hpp)
    }
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    const BoundEvaluator* bound = order[i];
    if (bound->evaluator->calls_model() && !bound->evaluator->evaluates_async()) {
      run_blocking([scoring, i, bound, input] { scoring->put(i, guarded_evaluate(*bound, input)); });
    }
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    const BoundEvaluator* bound = order[i];
    if (!bound->evaluator->calls_model() && !bound->evaluator->evaluates_async()) {
      scoring->put(i, guarded_evaluate(*bound, input));
    }
  }
}

std::vector<Score> score_trial(const EvalInput& input, std::initializer_list<const EvaluatorList*> lists)
{
  std::vector<std::function<void()>> blocking;
  std::promise<std::vector<Score>> scored;
  auto scores = scored.get_future();
  score_trial_async(
      input, lists, [&blocking](std::function<void()> job) { blocking.push_back(std::move(job)); },
      [&scored](std::vector<Score> all) { scored.set_value(std::move(all)); });
  // All but the last blocking evaluator start on their own threads; the last one runs here.
  std::vector<std::future<void>> started;
  for (std::size_t i = 0; i + 1 < blocking.size(); ++i) {
    started.push_back(std::async(std::launch::async, std::move(blocking[i])));
  }
  if (!blocking.empty()) {
    blocking.back()();
  }
  for (auto& future : started) {
    future.get();
  }
  return scores.get();
}

} // namespace evalgate
