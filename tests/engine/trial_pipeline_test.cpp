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
