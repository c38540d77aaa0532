#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "engine/trial_scoring.hpp"

using namespace evalgate;

namespace {

// A stand-in for a judge: it waits for `expected` judges of the same trial to be inside evaluate()
// at once. Run one after another, the first one waits alone until its deadline and says so.
class Rendezvous {
public:
  explicit Rendezvous(int expected) : m_expected(expected) {}

  bool meet()
  {
    std::unique_lock lock(m_mutex);
    ++m_arrived;
    m_all_here.notify_all();
    return m_all_here.wait_for(lock, std::chrono::seconds(20), [this] { return m_arrived >= m_expected; });
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_all_here;
  int m_arrived = 0;
  const int m_expected;
};

class MeetingJudge final : public Evaluator {
public:
  explicit MeetingJudge(Rendezvous& rendezvous) : m_rendezvous(rendezvous) {}
  Score evaluate(const EvalInput&) const override
  {
    Score score;
    score.pass = m_rendezvous.meet();
    score.value = score.pass ? 1 : 0;
    score.reason = score.pass ? "met the other judges" : "ran alone";
    return score;
  }
  bool calls_model() const override { return true; }

private:
  Rendezvous& m_rendezvous;
};

class Fixed final : public Evaluator {
public:
  explicit Fixed(double value) : m_value(value) {}
  Score evaluate(const EvalInput&) const override
  {
    Score score;
    score.value = m_value;
    score.pass = true;
    return score;
  }

private:
  double m_value;
};

class Throws final : public Evaluator {
public:
  Score evaluate(const EvalInput&) const override { throw std::runtime_error("boom"); }
  bool calls_model() const override { return true; }
};

// A stand-in for a single-call judge that waits without a thread: evaluate_async() only records its
// answer callback, and the test answers later, as a transport's I/O thread would.
class HeldJudge final : public Evaluator {
public:
  HeldJudge(std::vector<ScoreDone>& held, double value) : m_held(held), m_value(value) {}
  Score evaluate(const EvalInput&) const override { throw std::runtime_error("asked to block a thread"); }
  void evaluate_async(const EvalInput&, ScoreDone done) const override { m_held.push_back(std::move(done)); }
  bool calls_model() const override { return true; }
  bool evaluates_async() const override { return true; }
  double value() const { return m_value; }

private:
  std::vector<ScoreDone>& m_held;
  double m_value;
};

class ThrowsAsync final : public Evaluator {
public:
  Score evaluate(const EvalInput&) const override { throw std::runtime_error("asked to block a thread"); }
  void evaluate_async(const EvalInput&, ScoreDone) const override { throw std::runtime_error("no client"); }
  bool calls_model() const override { return true; }
  bool evaluates_async() const override { return true; }
};

Score valued(double value)
{
  Score score;
  score.value = value;
  score.pass = true;
  return score;
}

} // namespace

TEST_CASE("asynchronous judges of a trial are all asked before any answers, on no thread of their own")
{
  std::vector<ScoreDone> held;
  Rendezvous unused(1);
  EvaluatorList defaults;
  defaults.push_back({"judge-a", std::make_unique<HeldJudge>(held, 0.5)});
  defaults.push_back({"heuristic", std::make_unique<Fixed>(0.25)});
  defaults.push_back({"judge-b", std::make_unique<HeldJudge>(held, 0.75)});
  EvaluatorList per_case;
  per_case.push_back({"blocking", std::make_unique<MeetingJudge>(unused)});

  const Case test_case;
  const Trial trial;
  std::vector<std::function<void()>> blocking_jobs;
  std::optional<std::vector<Score>> scored;
  score_trial_async(
      EvalInput{test_case, trial}, {&defaults, &per_case},
      [&](std::function<void()> job) { blocking_jobs.push_back(std::move(job)); },
      [&](std::vector<Score> scores) { scored = std::move(scores); });
  // Both judges are waiting at once and nothing was started for them: only the blocking one has a job.
  REQUIRE(held.size() == 2);
  REQUIRE(blocking_jobs.size() == 1);
  CHECK_FALSE(scored.has_value());
  blocking_jobs[0]();
  held[1](valued(0.75)); // answers land in any order
  CHECK_FALSE(scored.has_value());
  held[0](valued(0.5));
  REQUIRE(scored.has_value());
  REQUIRE(scored->size() == 4);
  CHECK((*scored)[0].metric == "judge-a");
  CHECK((*scored)[0].value == doctest::Approx(0.5));
  CHECK((*scored)[1].metric == "heuristic");
  CHECK((*scored)[2].metric == "judge-b");
  CHECK((*scored)[2].value == doctest::Approx(0.75));
  CHECK((*scored)[3].metric == "blocking");
}

TEST_CASE("an asynchronous evaluator that throws instead of answering gives an errored score")
{
  EvaluatorList list;
  list.push_back({"judge", std::make_unique<ThrowsAsync>()});
  list.push_back({"heuristic", std::make_unique<Fixed>(1.0)});
  const Case test_case;
  const Trial trial;
  const auto scores = score_trial(EvalInput{test_case, trial}, {&list});
  REQUIRE(scores.size() == 2);
  CHECK(scores[0].metric == "judge");
  CHECK(scores[0].error == "internal error in evaluator: no client");
  CHECK(scores[1].error.empty());
}

TEST_CASE("a trial's judges wait for their models at the same time, and scores keep the evaluators' order")
{
  Rendezvous rendezvous(3);
  EvaluatorList defaults;
  defaults.push_back({"judge-a", std::make_unique<MeetingJudge>(rendezvous)});
  defaults.push_back({"heuristic", std::make_unique<Fixed>(0.25)});
  defaults.push_back({"judge-b", std::make_unique<MeetingJudge>(rendezvous)});
  EvaluatorList per_case;
  per_case.push_back({"judge-c", std::make_unique<MeetingJudge>(rendezvous)});

  const Case test_case;
  const Trial trial;
  const auto scores = score_trial(EvalInput{test_case, trial}, {&defaults, &per_case});
  REQUIRE(scores.size() == 4);
  CHECK(scores[0].metric == "judge-a");
  CHECK(scores[1].metric == "heuristic");
  CHECK(scores[1].value == doctest::Approx(0.25));
  CHECK(scores[2].metric == "judge-b");
  CHECK(scores[3].metric == "judge-c");
  for (const auto& score : scores) {
    CHECK_MESSAGE(score.pass, (score.metric + ": " + score.reason));
  }
}

TEST_CASE("an evaluator that throws on its own thread gives an errored score, not a crash")
{
  EvaluatorList list;
  list.push_back({"first", std::make_unique<Throws>()});
  list.push_back({"second", std::make_unique<Throws>()});
  const Case test_case;
  const Trial trial;
  const auto scores = score_trial(EvalInput{test_case, trial}, {&list});
  REQUIRE(scores.size() == 2);
  for (const auto& score : scores) {
    CHECK(score.error == "internal error in evaluator: boom");
  }
}

namespace {

// A CPU-only evaluator that notes when it ran, to tell what ran on the calling thread.
class Noting final : public Evaluator {
public:
  Noting(std::vector<std::string>& ran, std::string name, double value)
      : m_ran(ran), m_name(std::move(name)), m_value(value)
  {
  }
  Score evaluate(const EvalInput&) const override
  {
    m_ran.push_back(m_name);
    return valued(m_value);
  }

private:
  std::vector<std::string>& m_ran;
  std::string m_name;
  double m_value;
};

} // namespace

TEST_CASE("cheap evaluators run on the calling thread and the other CPU-only ones go to the expensive "
          "runner as one job, with scores in the evaluators' order")
{
  std::vector<std::string> ran;
  std::vector<ScoreDone> held;
  EvaluatorList list;
  list.push_back({"cheap-a", std::make_unique<Noting>(ran, "cheap-a", 0.1), true});
  list.push_back({"costly-b", std::make_unique<Noting>(ran, "costly-b", 0.2), false});
  list.push_back({"judge", std::make_unique<HeldJudge>(held, 0.5), true});
  list.push_back({"cheap-c", std::make_unique<Noting>(ran, "cheap-c", 0.3), true});
  list.push_back({"costly-d", std::make_unique<Noting>(ran, "costly-d", 0.4), false});
  const Case test_case;
  Trial trial;
  trial.output = "a short answer";
  std::vector<std::function<void()>> expensive_jobs;
  std::optional<std::vector<Score>> scored;
  score_trial_async(
      EvalInput{test_case, trial}, {&list}, [](std::function<void()>) { FAIL("nothing blocks"); },
      [&](std::vector<Score> scores) { scored = std::move(scores); },
      [&](std::function<void()> job) { expensive_jobs.push_back(std::move(job)); });
  CHECK(ran == std::vector<std::string>{"cheap-a", "cheap-c"});
  REQUIRE(expensive_jobs.size() == 1);
  REQUIRE(held.size() == 1);
  held[0](valued(0.5));
  CHECK_FALSE(scored.has_value());
  expensive_jobs[0]();
  CHECK(ran == std::vector<std::string>{"cheap-a", "cheap-c", "costly-b", "costly-d"});
  REQUIRE(scored.has_value());
  REQUIRE(scored->size() == 5);
  const std::vector<std::string> metrics{"cheap-a", "costly-b", "judge", "cheap-c", "costly-d"};
  const std::vector<double> values{0.1, 0.2, 0.5, 0.3, 0.4};
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK((*scored)[i].metric == metrics[i]);
    CHECK((*scored)[i].value == doctest::Approx(values[i]));
  }
}

TEST_CASE("an output longer than the inline limit is scored off the calling thread, even by cheap evaluators")
{
  std::vector<std::string> ran;
  EvaluatorList list;
  list.push_back({"cheap", std::make_unique<Noting>(ran, "cheap", 1.0), true});
  const Case test_case;
  Trial trial;
  trial.output.assign(k_inline_output_bytes + 1, 'x');
  std::vector<std::function<void()>> expensive_jobs;
  std::optional<std::vector<Score>> scored;
  score_trial_async(
      EvalInput{test_case, trial}, {&list}, [](std::function<void()>) { FAIL("nothing blocks"); },
      [&](std::vector<Score> scores) { scored = std::move(scores); },
      [&](std::function<void()> job) { expensive_jobs.push_back(std::move(job)); });
  CHECK(ran.empty());
  REQUIRE(expensive_jobs.size() == 1);
  expensive_jobs[0]();
  REQUIRE(scored.has_value());
  CHECK((*scored)[0].metric == "cheap");
}

TEST_CASE("without an expensive runner every CPU-only evaluator runs on the calling thread")
{
  std::vector<std::string> ran;
  EvaluatorList list;
  list.push_back({"costly", std::make_unique<Noting>(ran, "costly", 1.0), false});
  const Case test_case;
  const Trial trial;
  const auto scores = score_trial(EvalInput{test_case, trial}, {&list});
  CHECK(ran == std::vector<std::string>{"costly"});
  REQUIRE(scores.size() == 1);
}

TEST_CASE("evaluator types that are cheap enough for the delivering thread, negated or not")
{
  for (const char* type :
       {"contains", "not-contains", "regex", "not-regex", "is-json", "max-length", "equals"}) {
    CHECK_MESSAGE(is_cheap_type(type), type);
  }
  for (const char* type : {"levenshtein", "rouge-l", "bleu", "json-schema", "similarity", "script", "rubric",
                           "no-pii", "not-", ""}) {
    CHECK_FALSE_MESSAGE(is_cheap_type(type), type);
  }
}

TEST_CASE("build_evaluators marks the cheap types")
{
  std::vector<EvaluatorSpec> specs(2);
  specs[0].type = "not-contains";
  specs[0].config = Json{{"value", "x"}};
  specs[1].type = "levenshtein";
  specs[1].config = Json{{"value", "x"}};
  auto built = build_evaluators(specs, EvaluatorContext{});
  REQUIRE(built);
  REQUIRE(built->size() == 2);
  CHECK((*built)[0].cheap);
  CHECK_FALSE((*built)[1].cheap);
}
