#include "engine/trial_pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "providers/transport.hpp"

namespace evalgate {

namespace {

// After this many consecutive failures of these kinds with no success, a provider is taken to be
// misconfigured (bad key, unknown model, wrong port or host): the run stops with one message
// instead of thousands. A network failure reaches here only after its retries; without this, a
// suite pointed at a closed port retried every one of 20,000 trials for half an hour.
constexpr int k_fatal_streak = 5;

bool is_fatal_kind(FailureKind kind)
{
  return kind == FailureKind::http_4xx || kind == FailureKind::config || kind == FailureKind::network;
}

Trial trial_from(const TrialTask& task, CallResult result)
{
  Trial trial;
  trial.candidate_id = task.candidate->id;
  trial.case_id = task.test_case->id;
  trial.repeat_index = task.repeat_index;
  trial.output = std::move(result.text);
  trial.latency_ms = result.latency_ms;
  trial.usage = result.usage;
  trial.ttft_ms = result.ttft_ms;
  trial.cost_usd = result.cost_usd;
  trial.cache_hit = result.cache_hit;
  trial.provider_id = result.provider_id.empty() ? task.candidate->provider_id : result.provider_id;
  trial.attempts = result.attempts;
  trial.failure = result.failure;
  trial.error = std::move(result.error);
  return trial;
}

} // namespace

namespace {

bool any_blocks_on_model(const EvaluatorList& defaults, const std::vector<EvaluatorList>& per_case)
{
  auto waits = [](const EvaluatorList& list) {
    return std::any_of(list.begin(), list.end(), [](const BoundEvaluator& b) {
      return b.evaluator->calls_model() && !b.evaluator->evaluates_async();
    });
  };
  return waits(defaults) || std::any_of(per_case.begin(), per_case.end(), waits);
}

std::size_t cpu_threads()
{
  return std::max(1u, std::thread::hardware_concurrency());
}

// Evaluators that block on a model hold a thread for a network round trip each, so their pool is
// sized like the trials in flight.
std::unique_ptr<WorkerPool> blocking_pool(int trial_limit, const EvaluatorList& defaults,
                                          const std::vector<EvaluatorList>& per_case)
{
  if (!any_blocks_on_model(defaults, per_case)) {
    return nullptr;
  }
  return std::make_unique<WorkerPool>(
      std::clamp<std::size_t>(static_cast<std::size_t>(std::max(1, trial_limit)), cpu_threads(), 256));
}

} // namespace

// One trial between its call's answer and its last score. Evaluators still running after
// start_trial returns (judges in flight, blocking ones on their pool) read the case: it stays
// alive until the last score is in.
struct TrialPipeline::Scoring {
  ScoredTrial scored;
  std::string provider_id;
  std::shared_ptr<const Case> case_owner;
};

TrialPipeline::TrialPipeline(const RunOptions& options, int trial_limit, RunObserver& observer,
                             TrialWriter& writer, EvaluatorList defaults, std::vector<EvaluatorList> per_case)
    : m_options(options), m_observer(observer), m_writer(writer), m_defaults(std::move(defaults)),
      m_per_case(std::move(per_case)), m_blocking(blocking_pool(trial_limit, m_defaults, m_per_case)),
      m_pool(cpu_threads())
{
}

bool TrialPipeline::stopping() const
{
  // A writer that cannot write (disk full) would drop every later trial: stop paying for them.
  return m_abort.load() || m_writer.failed() ||
         (m_options.stop_requested != nullptr && m_options.stop_requested->load());
}

std::string TrialPipeline::abort_message() const
{
  std::lock_guard lock(m_mutex);
  return m_abort_message;
}

bool TrialPipeline::acquire_slot(int limit)
{
  Slots& slots = *m_slots;
  std::unique_lock lock(slots.mutex);
  // Timed waits: the stop flag is set from a signal handler, which cannot notify.
  while (slots.in_flight >= limit && !stopping()) {
    slots.freed.wait_for(lock, std::chrono::milliseconds(50));
  }
  if (stopping()) {
    return false;
  }
  ++slots.in_flight;
  return true;
}

void TrialPipeline::complete(const TrialTask& task, CallResult result)
{
  // Scored where the answer was delivered (often the transport's I/O thread): starting the judges
  // and running the cheap evaluators costs less than waking a pool thread for them; what is
  // expensive is handed off from there.
  start_trial(task, std::move(result));
}

bool TrialPipeline::wait_in_flight(std::chrono::milliseconds timeout)
{
  Slots& slots = *m_slots;
  std::unique_lock lock(slots.mutex);
  return slots.freed.wait_for(lock, timeout, [&slots] { return slots.in_flight == 0; });
}

void TrialPipeline::wait_all()
{
  Slots& slots = *m_slots;
  std::unique_lock lock(slots.mutex);
  slots.freed.wait(lock, [&slots] { return slots.in_flight == 0; });
  lock.unlock();
  m_pool.wait_idle();
  if (m_blocking != nullptr) {
    m_blocking->wait_idle();
  }
}

void TrialPipeline::start_trial(const TrialTask& task, CallResult result)
{
  if (result.failure != FailureKind::none && stopping()) {
    // Cancelled by Ctrl-C or by an early stop: not evidence about the provider; a resume runs it again.
    release();
    return;
  }
  auto scoring = std::make_shared<Scoring>();
  scoring->scored.trial = trial_from(task, std::move(result));
  scoring->provider_id = task.candidate->provider_id;
  scoring->case_owner = task.case_owner;
  const Trial& trial = scoring->scored.trial;
  if (!trial.ok()) {
    end_trial(std::move(scoring->scored), scoring->provider_id);
    return;
  }
  auto run_blocking = [this](std::function<void()> job) {
    if (m_blocking != nullptr) {
      m_blocking->post(std::move(job));
    } else {
      job();
    }
  };
  auto run_expensive = [this](std::function<void()> job) { m_pool.post(std::move(job)); };
  score_trial_async(
      EvalInput{*task.test_case, trial}, {&m_defaults, &m_per_case[task.case_index]}, run_blocking,
      [this, scoring](std::vector<Score> scores) {
        scoring->scored.scores = std::move(scores);
        end_trial(std::move(scoring->scored), scoring->provider_id);
      },
      run_expensive);
}

void TrialPipeline::end_trial(ScoredTrial scored, const std::string& provider_id)
{
  const Trial& trial = scored.trial;
  track_provider_health(provider_id, trial);
  {
    std::lock_guard lock(m_observer_mutex);
    ++m_progress.done;
    if (!trial.ok()) {
      ++m_progress.failed;
    }
    m_observer.on_trial(scored, m_progress);
  }
  m_writer.push(std::move(scored));
  release();
}

void TrialPipeline::track_provider_health(const std::string& provider_id, const Trial& trial)
{
  std::lock_guard lock(m_mutex);
  auto& health = m_health[provider_id];
  if (trial.ok()) {
    health.succeeded = true;
    health.streak = 0;
    return;
  }
  if (health.succeeded || !is_fatal_kind(trial.failure)) {
    health.streak = 0;
    return;
  }
  if (++health.streak >= k_fatal_streak && !m_abort.load()) {
    m_abort_message = "provider '" + provider_id + "' failed " + std::to_string(health.streak) +
                      " trials in a row without a single success (" + failure_kind_name(trial.failure) +
                      "): " + trial.error + "; stopping the run";
    m_abort.store(true);
  }
}

void TrialPipeline::release()
{
  // Notified under the lock: once the count reaches zero the run may end and this pipeline go,
  // and a trial can end on the transport's I/O thread, which nothing joins.
  std::lock_guard lock(m_slots->mutex);
  Slots& slots = *m_slots;
  --slots.in_flight;
  if (slots.in_flight > 0 && slots.wake_deferred) {
    return; // the turn's wake-up, still to come, covers this slot too
  }
  // On the I/O thread the runner is woken once, after the turn's last answer: it then admits every
  // slot freed in the turn at once, and nothing it submits could start before the turn ends anyway.
  // The last slot is announced at once: the pipeline may then go.
  if (slots.in_flight > 0 && defer_to_turn_end([shared = m_slots] {
        std::lock_guard turn_lock(shared->mutex);
        shared->wake_deferred = false;
        shared->freed.notify_all();
      })) {
    slots.wake_deferred = true;
    return;
  }
  slots.freed.notify_all();
}

} // namespace evalgate
