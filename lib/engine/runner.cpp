#include "engine/runner.hpp"

#include <chrono>
#include <cstdio>
#include <set>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "core/env.hpp"
#include "core/template.hpp"
#include "engine/worker_pool.hpp"
#include "evaluators/registry.hpp"
#include "providers/model_client.hpp"
#include "stats/summary.hpp"
#include "store/store.hpp"
#include "store/trial_writer.hpp"
#include "suite/suite_loader.hpp"

namespace evalgate {

namespace {

// After this many consecutive non-retryable failures with no success, a provider is taken to be
// misconfigured (bad key, unknown model): the run stops with one message instead of thousands.
constexpr int k_fatal_streak = 5;

struct BoundEvaluator {
  std::string metric;
  std::unique_ptr<Evaluator> evaluator;
};

using EvaluatorList = std::vector<BoundEvaluator>;

Result<EvaluatorList> build_evaluators(const std::vector<EvaluatorSpec>& specs)
{
  EvaluatorList list;
  for (const auto& spec : specs) {
    auto made = make_evaluator(spec);
    if (!made) {
      return fail(made.error());
    }
    list.push_back({spec.name.empty() ? spec.type : spec.name, std::move(made).value()});
  }
  return list;
}

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

Result<std::vector<Message>> render_messages(const Prompt& prompt, const Case& test_case)
{
  std::vector<Message> out;
  out.reserve(prompt.messages.size());
  for (const auto& message : prompt.messages) {
    auto text = render_template(message.content, test_case.vars);
    if (!text) {
      return fail(ErrorCategory::data, "prompt '" + prompt.id + "', case '" + test_case.id +
                                           "': " + text.error().message);
    }
    out.push_back({message.role, std::move(text).value()});
  }
  return out;
}

struct TrialTask {
  const Candidate* candidate;
  const Prompt* prompt;
  const Case* test_case;
  std::size_t case_index;
  int repeat_index;
};

bool is_fatal_kind(FailureKind kind) { return kind == FailureKind::http_4xx || kind == FailureKind::config; }

// Everything the in-flight callbacks share. Lives on run_suite's stack; run_suite waits for
// every trial before returning, so no callback outlives it.
class RunState {
public:
  RunState(const RunOptions& options, RunObserver& observer, TrialWriter& writer)
    : m_options(options), m_observer(observer), m_writer(writer),
      m_pool(std::max(1u, std::thread::hardware_concurrency()))
  {
  }

  RunProgress& progress() { return m_progress; }
  EvaluatorList defaults;
  std::vector<EvaluatorList> per_case;

  bool stopping() const
  {
    return m_abort.load() || (m_options.stop_requested != nullptr && m_options.stop_requested->load());
  }
  bool aborted() const { return m_abort.load(); }
  std::string abort_message()
  {
    std::lock_guard lock(m_mutex);
    return m_abort_message;
  }

  // Blocks until a slot is free or the run is stopping; false when stopping.
  bool acquire_slot(int limit)
  {
    std::unique_lock lock(m_mutex);
    while (m_in_flight >= limit) {
      if (stopping()) {
        return false;
      }
      m_slot_freed.wait_for(lock, std::chrono::milliseconds(50));
    }
    if (stopping()) {
      return false;
    }
    ++m_in_flight;
    return true;
  }

  void wait_all()
  {
    std::unique_lock lock(m_mutex);
    m_slot_freed.wait(lock, [this] { return m_in_flight == 0; });
    lock.unlock();
    m_pool.wait_idle();
  }

  // Called once per admitted trial, from any thread.
  void complete(const TrialTask& task, CallResult result)
  {
    m_pool.post([this, task, result = std::move(result)]() mutable { finish_trial(task, std::move(result)); });
  }

private:
  void finish_trial(const TrialTask& task, CallResult result)
  {
    if (result.failure != FailureKind::none && stopping()) {
      // Cancelled by Ctrl-C or by an early stop: not evidence about the provider; a resume runs it again.
      release();
      return;
    }
    ScoredTrial scored;
    Trial& trial = scored.trial;
    trial.candidate_id = task.candidate->id;
    trial.case_id = task.test_case->id;
    trial.repeat_index = task.repeat_index;
    trial.output = std::move(result.text);
    trial.latency_ms = result.latency_ms;
    trial.usage = result.usage;
    trial.attempts = result.attempts;
    trial.failure = result.failure;
    trial.error = std::move(result.error);
    if (trial.ok()) {
      const EvalInput input{*task.test_case, trial};
      for (const auto& bound : defaults) {
        scored.scores.push_back(guarded_evaluate(bound, input));
      }
      for (const auto& bound : per_case[task.case_index]) {
        scored.scores.push_back(guarded_evaluate(bound, input));
      }
    }
    track_provider_health(task.candidate->provider_id, trial);
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

  void track_provider_health(const std::string& provider_id, const Trial& trial)
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

  void release()
  {
    {
      std::lock_guard lock(m_mutex);
      --m_in_flight;
    }
    m_slot_freed.notify_all();
  }

  struct ProviderHealth {
    bool succeeded = false;
    int streak = 0;
  };

  const RunOptions& m_options;
  RunObserver& m_observer;
  TrialWriter& m_writer;
  std::mutex m_mutex;
  std::condition_variable m_slot_freed;
  int m_in_flight = 0;
  std::map<std::string, ProviderHealth> m_health;
  std::atomic<bool> m_abort{false};
  std::string m_abort_message;
  std::mutex m_observer_mutex;
  RunProgress m_progress;
  WorkerPool m_pool; // last: destroyed (drained) first
};

Result<std::map<std::string, std::unique_ptr<ModelClient>>> build_clients(const Suite& suite,
                                                                          Transport& transport)
{
  std::map<std::string, std::unique_ptr<ModelClient>> clients;
  for (ProviderSpec spec : suite.providers) {
    if (!spec.base_url.empty()) {
      auto expanded = expand_env(spec.base_url);
      if (!expanded) {
        return fail(ErrorCategory::config, "provider '" + spec.id + "' base_url: " + expanded.error().message,
                    spec.location);
      }
      spec.base_url = std::move(expanded).value();
    }
    auto client = make_model_client(spec, transport);
    if (!client) {
      return fail(client.error());
    }
    clients.emplace(spec.id, std::move(client).value());
  }
  return clients;
}

Result<void> check_resumable(const RunData& stored, const Suite& suite, const std::vector<Candidate>& candidates)
{
  std::vector<std::string> stored_ids;
  for (const auto& c : stored.info.candidates) {
    stored_ids.push_back(c.id);
  }
  std::vector<std::string> ids;
  for (const auto& c : candidates) {
    ids.push_back(c.id);
  }
  if (stored_ids != ids) {
    return fail(ErrorCategory::usage, "cannot resume run " + stored.info.id +
                                          ": the suite's candidates changed since it started");
  }
  if (stored.cases.size() != suite.cases.size()) {
    return fail(ErrorCategory::usage, "cannot resume run " + stored.info.id + ": the run has " +
                                          std::to_string(stored.cases.size()) + " cases, the suite now has " +
                                          std::to_string(suite.cases.size()));
  }
  for (std::size_t i = 0; i < suite.cases.size(); ++i) {
    if (stored.cases[i].id != suite.cases[i].id) {
      return fail(ErrorCategory::usage, "cannot resume run " + stored.info.id + ": case " + std::to_string(i + 1) +
                                            " was '" + stored.cases[i].id + "', is now '" + suite.cases[i].id + "'");
    }
  }
  if (stored.info.repeat != suite.repeat) {
    return fail(ErrorCategory::usage, "cannot resume run " + stored.info.id + ": repeat changed from " +
                                          std::to_string(stored.info.repeat) + " to " + std::to_string(suite.repeat));
  }
  return {};
}

// Trial failure rate above the suite's tolerance makes the run an infrastructure failure (exit 3).
std::string infrastructure_problem(const RunData& run, double max_error_rate)
{
  std::int64_t trials = 0;
  std::int64_t failed = 0;
  std::map<std::string, std::int64_t> errors;
  for (const auto& scored : run.trials) {
    ++trials;
    if (!scored.trial.ok()) {
      ++failed;
      ++errors[scored.trial.error];
    }
  }
  if (trials == 0 || static_cast<double>(failed) / static_cast<double>(trials) <= max_error_rate) {
    return {};
  }
  std::string common;
  std::int64_t best = 0;
  for (const auto& [message, count] : errors) {
    if (count > best) {
      best = count;
      common = message;
    }
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.1f%%", 100.0 * static_cast<double>(failed) / static_cast<double>(trials));
  char limit[32];
  std::snprintf(limit, sizeof limit, "%.2f", max_error_rate);
  return std::string(rate) + " of trials failed (" + std::to_string(failed) + "/" + std::to_string(trials) +
         ", max_error_rate " + limit + "); most common error (" + std::to_string(best) + "x): " + common;
}

} // namespace

int exit_code_for(RunVerdict verdict)
{
  switch (verdict) {
  case RunVerdict::passed: return 0;
  case RunVerdict::gate_failed: return 1;
  case RunVerdict::infrastructure_failed: return 3;
  case RunVerdict::interrupted: return 130;
  }
  return 3;
}

Result<RunOutcome> run_suite(const Suite& suite, const RunOptions& options, RunObserver& observer)
{
  const std::vector<Candidate> candidates = suite_candidates(suite);
  std::map<std::string, const Prompt*> prompts;
  for (const auto& prompt : suite.prompts) {
    prompts[prompt.id] = &prompt;
  }

  auto transport = make_curl_transport();
  auto clients = build_clients(suite, *transport);
  if (!clients) {
    return fail(clients.error());
  }

  auto store_result = Store::open(options.db_path);
  if (!store_result) {
    return fail(store_result.error());
  }
  Store& store = **store_result;

  RunInfo info;
  std::set<TrialKey> done_keys;
  if (!options.resume_run_id.empty()) {
    auto id = store.resolve_run_id(options.resume_run_id);
    if (!id) {
      return fail(id.error());
    }
    auto stored = store.load_run(*id);
    if (!stored) {
      return fail(stored.error());
    }
    if (auto ok = check_resumable(*stored, suite, candidates); !ok) {
      return fail(ok.error());
    }
    auto keys = store.trial_keys(*id);
    if (!keys) {
      return fail(keys.error());
    }
    done_keys = std::move(keys).value();
    info = stored->info;
    if (auto s = store.set_run_status(info.id, RunStatus::running); !s) {
      return fail(s.error());
    }
  } else {
    info.suite_name = suite.name;
    info.suite_path = suite.path;
    info.seed = options.seed;
    info.repeat = suite.repeat;
    info.candidates = candidates;
    info.case_count = static_cast<std::int64_t>(suite.cases.size());
    info.trial_count = info.case_count * static_cast<std::int64_t>(candidates.size()) * suite.repeat;
    info.config = suite.snapshot;
    if (auto created = store.create_run(info, suite.cases); !created) {
      return fail(created.error());
    }
  }

  auto writer_result = TrialWriter::start(options.db_path, info.id);
  if (!writer_result) {
    return fail(writer_result.error());
  }
  TrialWriter& writer = **writer_result;

  RunOutcome outcome;
  outcome.run_id = info.id;
  {
    RunState state(options, observer, writer);
    auto defaults = build_evaluators(suite.evaluators);
    if (!defaults) {
      return fail(defaults.error());
    }
    state.defaults = std::move(defaults).value();
    for (const auto& test_case : suite.cases) {
      auto own = build_evaluators(test_case.evaluators);
      if (!own) {
        return fail(own.error());
      }
      state.per_case.push_back(std::move(own).value());
    }

    std::vector<TrialTask> tasks;
    for (std::size_t ci = 0; ci < suite.cases.size(); ++ci) {
      for (int r = 0; r < suite.repeat; ++r) {
        for (const auto& candidate : candidates) {
          if (done_keys.count(TrialKey{candidate.id, suite.cases[ci].id, r}) != 0) {
            ++state.progress().skipped;
            continue;
          }
          tasks.push_back({&candidate, prompts.at(candidate.prompt_id), &suite.cases[ci], ci, r});
        }
      }
    }
    state.progress().total = static_cast<std::int64_t>(tasks.size());
    observer.on_start(info, state.progress());

    const int limit = std::max(1, options.concurrency > 0 ? options.concurrency : suite.concurrency);
    for (const auto& task : tasks) {
      if (!state.acquire_slot(limit)) {
        break;
      }
      auto messages = render_messages(*task.prompt, *task.test_case);
      if (!messages) {
        CallResult failed;
        failed.failure = FailureKind::config;
        failed.error = messages.error().message;
        state.complete(task, std::move(failed));
        continue;
      }
      CallInput input{std::move(messages).value(), &task.test_case->vars};
      clients->at(task.candidate->provider_id)->complete(input, [&state, task](CallResult result) {
        state.complete(task, std::move(result));
      });
    }
    if (state.stopping()) {
      transport->cancel_all();
    }
    state.wait_all();
    outcome.progress = state.progress();
    if (state.aborted()) {
      outcome.verdict = RunVerdict::infrastructure_failed;
      outcome.infrastructure_message = state.abort_message();
    } else if (options.stop_requested != nullptr && options.stop_requested->load()) {
      outcome.verdict = RunVerdict::interrupted;
    }
    observer.on_finish(outcome.progress);
  }

  if (auto finished = writer.finish(); !finished) {
    return fail(finished.error());
  }
  const RunStatus status = outcome.verdict == RunVerdict::interrupted            ? RunStatus::interrupted
                           : outcome.verdict == RunVerdict::infrastructure_failed ? RunStatus::failed
                                                                                   : RunStatus::completed;
  if (auto s = store.set_run_status(info.id, status); !s) {
    return fail(s.error());
  }
  if (outcome.verdict == RunVerdict::interrupted) {
    return outcome;
  }

  auto run = store.load_run(info.id);
  if (!run) {
    return fail(run.error());
  }
  const GateVerdict gate = evaluate_gate(suite.gate, *run);
  if (auto saved = store.save_gate(info.id, gate.passed ? "pass" : "fail", gate.results); !saved) {
    return fail(saved.error());
  }
  if (outcome.verdict == RunVerdict::passed) {
    outcome.infrastructure_message = infrastructure_problem(*run, suite.max_error_rate);
    if (!outcome.infrastructure_message.empty()) {
      outcome.verdict = RunVerdict::infrastructure_failed;
    } else if (!gate.passed) {
      outcome.verdict = RunVerdict::gate_failed;
    }
  }
  return outcome;
}

} // namespace evalgate
