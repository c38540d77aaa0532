#include "engine/trial_scoring.hpp"

#include <algorithm>
#include <atomic>
#include <future>
#include <iterator>
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

// Linear in the output with a small constant. Not here: the quadratic ones (levenshtein, rouge-l),
// n-gram statistics (bleu, rouge-1/2, f1), schema validation, PII scans, tool-call checks and the
// built-in embedder, which stay on the worker pool.
constexpr std::string_view k_cheap_types[] = {
    "char-count",     "contains",   "contains-all", "contains-any", "equals",      "exact-match",
    "icontains",      "is-json",    "is-refusal",   "json-equals",  "json-field",  "max-cost",
    "max-latency-ms", "max-length", "max-tokens",   "regex",        "starts-with", "word-count",
};

bool inline_ok(const BoundEvaluator& bound, bool small_output)
{
  return small_output && bound.cheap && !bound.evaluator->calls_model() &&
         !bound.evaluator->evaluates_async();
}

} // namespace

bool is_cheap_type(std::string_view type)
{
  if (type.starts_with("not-")) {
    type.remove_prefix(4);
  }
  return std::find(std::begin(k_cheap_types), std::end(k_cheap_types), type) != std::end(k_cheap_types);
}

Result<EvaluatorList> build_evaluators(const std::vector<EvaluatorSpec>& specs,
                                       const EvaluatorContext& context)
{
  EvaluatorList list;
  for (const auto& spec : specs) {
    auto made = make_evaluator(spec, context);
    if (!made) {
      return fail(made.error());
    }
    list.push_back(
        {spec.name.empty() ? spec.type : spec.name, std::move(made).value(), is_cheap_type(spec.type)});
  }
  return list;
}

void score_trial_async(const EvalInput& input, std::initializer_list<const EvaluatorList*> lists,
                       const BlockingRunner& run_blocking, ScoresDone done,
                       const BlockingRunner& run_expensive)
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
  // CPU-only evaluators too expensive for this thread: one job for all of them, posted before the
  // cheap ones run here so the two overlap.
  const bool small_output = input.trial.output.size() <= k_inline_output_bytes;
  auto cpu_only = [](const BoundEvaluator& bound) {
    return !bound.evaluator->calls_model() && !bound.evaluator->evaluates_async();
  };
  std::vector<bool> handed_off(order.size(), false);
  if (run_expensive) {
    std::vector<std::pair<std::size_t, const BoundEvaluator*>> expensive;
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (cpu_only(*order[i]) && !inline_ok(*order[i], small_output)) {
        expensive.emplace_back(i, order[i]);
        handed_off[i] = true;
      }
    }
    if (!expensive.empty()) {
      run_expensive([scoring, expensive = std::move(expensive), input] {
        for (const auto& [i, bound] : expensive) {
          scoring->put(i, guarded_evaluate(*bound, input));
        }
      });
    }
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (cpu_only(*order[i]) && !handed_off[i]) {
      scoring->put(i, guarded_evaluate(*order[i], input));
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
