#pragma once
// engine/trial_pipeline: what happens to a trial after the runner admits it. Bounds trials in
// flight (acquire_slot), scores each completed call (score_trial_async, started on the thread that
// delivered the answer: cheap CPU-only evaluators run right there, other CPU-only ones on a
// CPU-sized worker pool, single-call judges and embeddings without a thread, other model-calling
// evaluators on a pool sized for waiting), streams it to the store writer, reports progress, and
// stops the run when a provider fails every call (a bad key, an unknown model). A trial ends on
// whichever thread gave its last score, often the transport's I/O thread; a slot freed there wakes
// the runner once per transport turn, not once per trial. Lives for one run_suite call, which calls
// wait_all() before it ends, so no callback outlives it. complete() may be called from any thread;
// the rest from the runner's.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "engine/run_observer.hpp"
#include "engine/runner.hpp"
#include "engine/trial_scoring.hpp"
#include "engine/worker_pool.hpp"
#include "evaluators/evaluator.hpp"
#include "providers/model_client.hpp"
#include "store/trial_writer.hpp"

namespace evalgate {

struct TrialTask {
  const Candidate* candidate;
  const Prompt* prompt;
  const Case* test_case;
  std::size_t case_index; // into per_case evaluators (one list per case that has any; 0 = none)
  int repeat_index;
  // Keeps *test_case alive while the trial is in flight and being scored: the runner rebuilds
  // each case from the suite's compact CaseList only while its trials run.
  std::shared_ptr<const Case> case_owner;
};

class TrialPipeline {
public:
  // `per_case[task.case_index]` are the extra evaluators of a task's case. `trial_limit` is the
  // run's bound on trials in flight (sizes the scoring pool when evaluators wait on models).
  TrialPipeline(const RunOptions& options, int trial_limit, RunObserver& observer, TrialWriter& writer,
                EvaluatorList defaults, std::vector<EvaluatorList> per_case);

  RunProgress& progress() { return m_progress; }

  // True once Ctrl-C was pressed, a provider was found to fail every call, or the store writer
  // failed (its error comes from TrialWriter::finish()).
  bool stopping() const;
  bool aborted() const { return m_abort.load(); }
  std::string abort_message() const;

  // Blocks until fewer than `limit` trials are in flight; false (no slot taken) when stopping.
  bool acquire_slot(int limit);
  // Hands a finished call over for scoring and storing; releases its slot when done.
  void complete(const TrialTask& task, CallResult result);
  // Waits up to `timeout` for every admitted call to come back; true when none is in flight.
  bool wait_in_flight(std::chrono::milliseconds timeout);
  // Blocks until every admitted trial has been scored and pushed to the writer.
  void wait_all();

private:
  struct ProviderHealth {
    bool succeeded = false;
    int streak = 0;
  };

  // The count of trials in flight and its wake-up, shared with wake-ups deferred to the end of a
  // transport turn (which may run after the pipeline is gone).
  struct Slots {
    std::mutex mutex;
    std::condition_variable freed;
    int in_flight = 0;
    bool wake_deferred = false; // a turn-end wake-up is queued on the I/O thread
  };

  struct Scoring;
  void start_trial(const TrialTask& task, CallResult result);
  void end_trial(ScoredTrial scored, const std::string& provider_id);
  void track_provider_health(const std::string& provider_id, const Trial& trial);
  void release();

  const RunOptions& m_options;
  RunObserver& m_observer;
  TrialWriter& m_writer;
  const EvaluatorList m_defaults;
  const std::vector<EvaluatorList> m_per_case;
  mutable std::mutex m_mutex; // m_health, m_abort_message
  const std::shared_ptr<Slots> m_slots = std::make_shared<Slots>();
  std::map<std::string, ProviderHealth> m_health;
  std::atomic<bool> m_abort{false};
  std::string m_abort_message;
  std::mutex m_observer_mutex;
  RunProgress m_progress;
  // Only when some evaluator blocks a thread on a model (multi-step judges, scripts).
  std::unique_ptr<WorkerPool> m_blocking;
  WorkerPool m_pool; // last member: destroyed, and so drained, first
};

} // namespace evalgate
