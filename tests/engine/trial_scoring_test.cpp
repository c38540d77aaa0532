#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
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

} // namespace

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
