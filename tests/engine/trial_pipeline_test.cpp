#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "../store/store_fixture.hpp"
#include "engine/runner.hpp"
#include "engine/trial_pipeline.hpp"
#include "store/store.hpp"
#include "store/trial_writer.hpp"

using namespace evalgate;
using evalgate::test::sample_cases;
using evalgate::test::sample_run_info;
using evalgate::test::TempDir;

namespace {

// A judge of the kind that blocks its own pool thread (multi-step judges, scripts). It runs after
// the call's hand-off has returned, and looks for up to `patience` whether the trial's case has
// been destroyed meanwhile.
class LateReader final : public Evaluator {
public:
  LateReader(const std::atomic<bool>& case_gone, std::chrono::milliseconds patience)
      : m_case_gone(case_gone), m_patience(patience)
  {
  }
  Score evaluate(const EvalInput& input) const override
  {
    const auto until = std::chrono::steady_clock::now() + m_patience;
    while (!m_case_gone.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    Score score;
    score.pass = !m_case_gone.load();
    score.value = score.pass ? 1 : 0;
    score.reason =
        score.pass ? "case " + input.test_case.id + " still there" : "case destroyed under the judge";
    return score;
  }
  bool calls_model() const override { return true; }

private:
  const std::atomic<bool>& m_case_gone;
  std::chrono::milliseconds m_patience;
};

class KeepScores final : public RunObserver {
public:
  void on_trial(const ScoredTrial& trial, const RunProgress&) override { scores = trial.scores; }
  std::vector<Score> scores;
};

} // namespace

TEST_CASE("a trial's case outlives the evaluators still scoring it after the call's hand-off returned")
{
  TempDir dir;
  const std::string path = dir.file("runs.db");
  RunInfo info = sample_run_info(1);
  {
    auto store = Store::open(path).value();
    REQUIRE(store->create_run(info, sample_cases(1)));
  }
  auto writer = TrialWriter::start(path, info.id).value();
  std::atomic<bool> case_gone{false};
  EvaluatorList defaults;
  defaults.push_back({"late", std::make_unique<LateReader>(case_gone, std::chrono::milliseconds(1500))});
  RunOptions options;
  KeepScores observer;
  {
    TrialPipeline pipeline(options, 4, observer, *writer, std::move(defaults), std::vector<EvaluatorList>(1));
    const Candidate& candidate = info.candidates.front();
    Prompt prompt;
    prompt.id = candidate.prompt_id;
    // The runner's own reference goes once the case's trials are handed out: only the trial keeps it.
    std::shared_ptr<const Case> owner(new Case(sample_cases(1).front()), [&case_gone](const Case* gone) {
      case_gone = true;
      delete gone;
    });
    REQUIRE(pipeline.acquire_slot(4));
    CallResult answered;
    answered.text = "an answer";
    answered.attempts = 1;
    pipeline.complete(TrialTask{&candidate, &prompt, owner.get(), 0, 0, owner}, std::move(answered));
    owner.reset();
    pipeline.wait_all();
  }
  REQUIRE(writer->finish());
  REQUIRE(observer.scores.size() == 1);
  CHECK(observer.scores[0].reason == "case case-1 still there");
  CHECK(case_gone.load());
}

namespace {

class Valued final : public Evaluator {
public:
  explicit Valued(double value) : m_value(value) {}
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

// An expensive evaluator that gives its score only once `go` is set (or 20 s pass).
class Gated final : public Evaluator {
public:
  explicit Gated(const std::atomic<bool>& go) : m_go(go) {}
  Score evaluate(const EvalInput&) const override
  {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!m_go.load() && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    Score score;
    score.value = 0.5;
    score.pass = true;
    return score;
  }

private:
  const std::atomic<bool>& m_go;
};

class NoteThread final : public RunObserver {
public:
  void on_trial(const ScoredTrial& trial, const RunProgress&) override
  {
    scores = trial.scores;
    thread = std::this_thread::get_id();
  }
  std::vector<Score> scores;
  std::thread::id thread;
};

// Runs one answered trial through a pipeline whose evaluators are `defaults`, handing the answer
// over from a thread of its own (as a transport's I/O thread would); returns the observer, after
// checking the trial was stored with the same scores.
void score_one(EvaluatorList defaults, NoteThread& observer, std::thread::id& delivering,
               std::atomic<bool>* delivered = nullptr)
{
  TempDir dir;
  const std::string path = dir.file("runs.db");
  RunInfo info = sample_run_info(1);
  {
    auto store = Store::open(path).value();
    REQUIRE(store->create_run(info, sample_cases(1)));
  }
  auto writer = TrialWriter::start(path, info.id).value();
  RunOptions options;
  {
    TrialPipeline pipeline(options, 4, observer, *writer, std::move(defaults), std::vector<EvaluatorList>(1));
    const Candidate& candidate = info.candidates.front();
    Prompt prompt;
    prompt.id = candidate.prompt_id;
    auto owner = std::make_shared<const Case>(sample_cases(1).front());
    REQUIRE(pipeline.acquire_slot(4));
    std::thread io([&] {
      delivering = std::this_thread::get_id();
      CallResult answered;
      answered.text = "an answer";
      answered.attempts = 1;
      pipeline.complete(TrialTask{&candidate, &prompt, owner.get(), 0, 0, owner}, std::move(answered));
      if (delivered != nullptr) {
        delivered->store(true);
      }
    });
    io.join();
    pipeline.wait_all();
  }
  REQUIRE(writer->finish());
  auto store = Store::open(path).value();
  const auto stored = store->load_run(info.id).value();
  REQUIRE(stored.trials.size() == 1);
  REQUIRE(stored.trials[0].scores.size() == observer.scores.size());
  for (std::size_t i = 0; i < observer.scores.size(); ++i) {
    CHECK(stored.trials[0].scores[i].metric == observer.scores[i].metric);
    CHECK(stored.trials[0].scores[i].value == doctest::Approx(observer.scores[i].value));
  }
}

} // namespace

TEST_CASE("a trial with only cheap evaluators is scored and stored on the thread that delivered its answer")
{
  EvaluatorList defaults;
  defaults.push_back({"first", std::make_unique<Valued>(0.25), true});
  defaults.push_back({"second", std::make_unique<Valued>(0.5), true});
  defaults.push_back({"third", std::make_unique<Valued>(0.75), true});
  NoteThread observer;
  std::thread::id delivering;
  score_one(std::move(defaults), observer, delivering);
  CHECK(observer.thread == delivering);
  REQUIRE(observer.scores.size() == 3);
  CHECK(observer.scores[0].metric == "first");
  CHECK(observer.scores[1].metric == "second");
  CHECK(observer.scores[2].metric == "third");
  CHECK(observer.scores[2].value == doctest::Approx(0.75));
}

TEST_CASE("a trial with an expensive evaluator ends on the worker pool with its scores in order")
{
  EvaluatorList defaults;
  defaults.push_back({"cheap", std::make_unique<Valued>(0.25), true});
  std::atomic<bool> delivered{false};
  // Its score comes after the hand-off returned, so it is the trial's last one.
  defaults.push_back({"costly", std::make_unique<Gated>(delivered), false});
  defaults.push_back({"cheap-too", std::make_unique<Valued>(0.75), true});
  NoteThread observer;
  std::thread::id delivering;
  score_one(std::move(defaults), observer, delivering, &delivered);
  CHECK(observer.thread != delivering);
  REQUIRE(observer.scores.size() == 3);
  CHECK(observer.scores[0].metric == "cheap");
  CHECK(observer.scores[1].metric == "costly");
  CHECK(observer.scores[1].value == doctest::Approx(0.5));
  CHECK(observer.scores[2].metric == "cheap-too");
}
