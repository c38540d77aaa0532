#include "engine/runner.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/template.hpp"
#include "engine/client_setup.hpp"
#include "engine/run_checks.hpp"
#include "engine/stored_run.hpp"
#include "engine/trial_pipeline.hpp"
#include "evaluators/embedding/batcher.hpp"
#include "providers/fallback_client.hpp"
#include "providers/model_client.hpp"
#include "stats/summary.hpp"
#include "store/store.hpp"
#include "store/trial_writer.hpp"
#include "suite/suite_loader.hpp"

namespace evalgate {

namespace {

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

using ClientMap = std::map<std::string, std::unique_ptr<ModelClient>>;

Result<ClientMap> build_clients(const std::vector<ProviderSpec>& specs, ClientBuilder& builder)
{
  ClientMap clients;
  for (const ProviderSpec& spec : specs) {
    auto client = builder.make(spec);
    if (!client) {
      return fail(client.error());
    }
    clients.emplace(spec.id, std::move(client).value());
  }
  if (auto wrapped = wrap_fallbacks(specs, clients); !wrapped) {
    return fail(wrapped.error());
  }
  return clients;
}

// Opens a new run, or the stored one to resume; the keys are the trials already stored.
// cases_pending: the run has no case rows yet, and its TrialWriter inserts them before its first
// trial, so the first requests go out without waiting for them.
struct RunStart {
  RunInfo info;
  std::set<TrialKey> done;
  bool cases_pending = false;
};

// A run stopped before its writer stored its case rows has none, and no trials either (the
// writer commits the cases before any trial): resuming it is starting it over under its id, with
// the cases inserted again by the writer, as long as the suite still has as many.
Result<bool> cases_never_stored(const RunData& stored, const Suite& suite, const std::set<TrialKey>& done)
{
  if (!stored.cases.empty() || stored.info.case_count == 0 || !done.empty()) {
    return false;
  }
  if (static_cast<std::int64_t>(suite.cases.size()) != stored.info.case_count) {
    return fail(ErrorCategory::usage, "cannot resume run " + stored.info.id + ": it stopped before its " +
                                          std::to_string(stored.info.case_count) +
                                          " cases were stored, and the suite now has " +
                                          std::to_string(suite.cases.size()) + "; start a new run instead");
  }
  return true;
}

Result<RunStart> start_run(Store& store, const Suite& suite, const RunOptions& options,
                           const std::vector<Candidate>& candidates)
{
  RunStart start;
  if (options.resume_run_id.empty()) {
    RunInfo& info = start.info;
    info.suite_name = suite.name;
    info.suite_path = suite.path;
    info.seed = options.seed;
    info.repeat = suite.repeat;
    info.candidates = candidates;
    info.case_count = static_cast<std::int64_t>(suite.cases.size());
    info.trial_count = info.case_count * static_cast<std::int64_t>(candidates.size()) * suite.repeat;
    info.config = suite.snapshot;
    if (options.shard) {
      info.options["shard"] = Json{{"index", options.shard->index}, {"count", options.shard->count}};
    }
    // The case rows are left to the run's writer (RunStart::cases_pending); their ids are
    // checked here, without rebuilding a case.
    auto case_id_at = [&suite](std::size_t i) { return suite.cases.id(i); };
    if (auto created = store.create_run_without_cases(info, suite.cases.size(), case_id_at); !created) {
      return fail(created.error());
    }
    start.cases_pending = !suite.cases.empty();
    return start;
  }
  auto id = store.resolve_run_id(options.resume_run_id);
  if (!id) {
    return fail(id.error());
  }
  // Candidates and cases are all the check needs: the trials stay in the store.
  auto stored = store.load_run_header(*id, true);
  if (!stored) {
    return fail(stored.error());
  }
  auto keys = store.trial_keys(*id);
  if (!keys) {
    return fail(keys.error());
  }
  auto never_stored = cases_never_stored(*stored, suite, *keys);
  if (!never_stored) {
    return fail(never_stored.error());
  }
  start.cases_pending = *never_stored;
  if (start.cases_pending) {
    // The check compares case ids; the run has none stored, and will have the suite's.
    for (std::size_t i = 0; i < suite.cases.size(); ++i) {
      stored->cases.emplace_back().id = suite.cases.id(i);
    }
  }
  if (auto ok = check_resumable(*stored, suite, candidates); !ok) {
    return fail(ok.error());
  }
  start.done = std::move(keys).value();
  start.info = std::move(stored->info);
  if (auto s = store.set_run_status(start.info.id, RunStatus::running); !s) {
    return fail(s.error());
  }
  return start;
}

// The trials still to run: all of them, less those already stored (a resume).
std::int64_t count_trials(const Suite& suite, const std::vector<Candidate>& candidates, const std::set<TrialKey>& done)
{
  const auto all = static_cast<std::int64_t>(suite.cases.size()) * suite.repeat *
                   static_cast<std::int64_t>(candidates.size());
  if (done.empty()) {
    return all;
  }
  std::int64_t stored = 0;
  for (std::size_t ci = 0; ci < suite.cases.size(); ++ci) {
    const std::string id(suite.cases.id(ci));
    for (int r = 0; r < suite.repeat; ++r) {
      for (const auto& candidate : candidates) {
        stored += done.count(TrialKey{candidate.id, id, r}) == 0 ? 0 : 1;
      }
    }
  }
  return all - stored;
}

EvaluatorContext run_context(const Suite& suite, const ClientMap& judges)
{
  EvaluatorContext context;
  for (const auto& judge : suite.judges) {
    context.judge_ids.push_back(judge.id);
  }
  context.base_dir = suite.base_dir;
  context.embedding_batchers = std::make_shared<EmbeddingBatchers>();
  context.client = [&judges](const std::string& id) -> ModelClient* {
    auto found = judges.find(id);
    return found == judges.end() ? nullptr : found->second.get();
  };
  return context;
}

// The evaluators of the cases that have their own, in case order: `lists[0]` is empty (for every
// other case) and `lists[k]` belongs to case `cases[k - 1]`. Most suites have none, so a run of
// 50,000 cases holds one empty list rather than 50,000 (24 bytes each).
struct CaseEvaluators {
  std::vector<EvaluatorList> lists = std::vector<EvaluatorList>(1);
  std::vector<std::size_t> cases; // ascending

  // The index into `lists` of case `ci`'s evaluators.
  std::size_t slot_of(std::size_t ci) const
  {
    const auto found = std::lower_bound(cases.begin(), cases.end(), ci);
    return found != cases.end() && *found == ci ? static_cast<std::size_t>(found - cases.begin()) + 1 : 0;
  }
};

Result<CaseEvaluators> build_case_evaluators(const Suite& suite, const EvaluatorContext& context)
{
  CaseEvaluators out;
  for (std::size_t ci = 0; ci < suite.cases.size(); ++ci) {
    if (!suite.cases.has_evaluators(ci)) {
      continue; // most cases: nothing to build, and no need to rebuild the case
    }
    auto own = build_evaluators(suite.cases[ci].evaluators, context);
    if (!own) {
      return fail(own.error());
    }
    out.lists.push_back(std::move(own).value());
    out.cases.push_back(ci);
  }
  return out;
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

Result<RunOutcome> run_suite(const Suite& whole_suite, const RunOptions& options, RunObserver& observer)
{
  const Suite sharded = options.shard ? shard_of(whole_suite, *options.shard) : Suite{};
  const Suite& suite = options.shard ? sharded : whole_suite;
  const std::vector<Candidate> candidates = suite_candidates(suite);
  auto transport = make_curl_transport();
  auto builder = ClientBuilder::open(options.db_path, options.cache_mode, options.pricing_file, *transport);
  if (!builder) {
    return fail(builder.error());
  }
  auto clients = build_clients(suite.providers, **builder);
  if (!clients) {
    return fail(clients.error());
  }
  auto judges = build_clients(suite.judges, **builder);
  if (!judges) {
    return fail(judges.error());
  }
  const EvaluatorContext context = run_context(suite, *judges);
  auto defaults = build_evaluators(suite.evaluators, context);
  if (!defaults) {
    return fail(defaults.error());
  }
  auto per_case = build_case_evaluators(suite, context);
  if (!per_case) {
    return fail(per_case.error());
  }
  auto opened = Store::open(options.db_path);
  if (!opened) {
    return fail(opened.error());
  }
  Store& store = **opened;
  store.set_evalgate_version(EVALGATE_VERSION);
  auto start = start_run(store, suite, options, candidates);
  if (!start) {
    return fail(start.error());
  }
  const RunInfo& info = start->info;
  TrialWriter::CaseRows case_rows;
  if (start->cases_pending) {
    case_rows.count = suite.cases.size();
    case_rows.case_at = [&suite](std::size_t i) { return suite.cases[i]; };
  }
  auto writer = TrialWriter::start(options.db_path, info.id, std::move(case_rows));
  if (!writer) {
    return fail(writer.error());
  }

  RunOutcome outcome;
  outcome.run_id = info.id;
  {
    const int limit = std::max(1, options.concurrency > 0 ? options.concurrency : suite.concurrency);
    TrialPipeline pipeline(options, limit, observer, **writer, std::move(defaults).value(),
                           std::move(per_case->lists));
    pipeline.progress().total = count_trials(suite, candidates, start->done);
    pipeline.progress().skipped = static_cast<std::int64_t>(start->done.size());
    observer.on_start(info, pipeline.progress());

    std::map<std::string, const Prompt*> prompts;
    for (const auto& prompt : suite.prompts) {
      prompts[prompt.id] = &prompt;
    }
    // Case-major order, so every candidate progresses together and an interrupted run is
    // balanced. Trials are made as they are admitted, and each case is rebuilt from the suite's
    // compact list once, shared by its trials until the last of them is scored: at most about
    // `limit` cases exist as structs at a time, however large the dataset.
    bool admitting = true;
    for (std::size_t ci = 0; admitting && ci < suite.cases.size(); ++ci) {
      std::shared_ptr<const Case> test_case;
      const std::size_t evaluator_slot = per_case->slot_of(ci);
      for (int r = 0; admitting && r < suite.repeat; ++r) {
        for (const auto& candidate : candidates) {
          if (!start->done.empty() &&
              start->done.count(TrialKey{candidate.id, std::string(suite.cases.id(ci)), r}) != 0) {
            continue;
          }
          // Judge calls count too: every client of the run feeds the same meter.
          if (options.max_cost_usd && (*builder)->spend().spent() >= *options.max_cost_usd) {
            outcome.budget_exhausted = true;
            admitting = false;
            break;
          }
          if (!pipeline.acquire_slot(limit)) {
            admitting = false;
            break;
          }
          if (!test_case) {
            test_case = std::make_shared<const Case>(suite.cases[ci]);
          }
          const TrialTask task{&candidate, prompts.at(candidate.prompt_id), test_case.get(), evaluator_slot, r, test_case};
          auto messages = render_messages(*task.prompt, *task.test_case);
          if (!messages) {
            CallResult failed;
            failed.failure = FailureKind::config;
            failed.error = messages.error().message;
            pipeline.complete(task, std::move(failed));
            continue;
          }
          CallInput input{std::move(messages).value(), &task.test_case->vars, task.repeat_index};
          clients->at(task.candidate->provider_id)->complete(input, [&pipeline, task](CallResult result) {
            pipeline.complete(task, std::move(result));
          });
        }
      }
    }
    // A retry scheduled just after a cancel would still run (and wait out its backoff), so
    // cancel again until nothing is in flight.
    while (!pipeline.wait_in_flight(std::chrono::milliseconds(100))) {
      if (pipeline.stopping()) {
        transport->cancel_all();
      }
    }
    pipeline.wait_all();
    outcome.progress = pipeline.progress();
    if (pipeline.aborted()) {
      outcome.verdict = RunVerdict::infrastructure_failed;
      outcome.infrastructure_message = pipeline.abort_message();
      outcome.budget_exhausted = false;
    } else if (outcome.budget_exhausted) {
      outcome.verdict = RunVerdict::infrastructure_failed;
      outcome.infrastructure_message =
        fmt::format("stopped: spent ${:.4f} of --max-cost ${:.4f} after {} trials", (*builder)->spend().spent(),
                    *options.max_cost_usd, outcome.progress.done);
    } else if (options.stop_requested != nullptr && options.stop_requested->load()) {
      outcome.verdict = RunVerdict::interrupted;
    }
    observer.on_finish(outcome.progress);
  }

  if (auto finished = (*writer)->finish(); !finished) {
    Error error = finished.error();
    if (error.category == ErrorCategory::store) {
      // Everything committed before the failure stays valid: say how to finish the run.
      error.message +=
          "; once the store can be written again, finish the run with: evalgate run --resume " + info.id;
    }
    return fail(std::move(error));
  }
  if (auto cached = (*builder)->finish(); !cached) {
    return fail(cached.error());
  }
  const bool incomplete = outcome.verdict == RunVerdict::interrupted || outcome.budget_exhausted;
  const RunStatus status = incomplete ? RunStatus::interrupted
                           : outcome.verdict == RunVerdict::infrastructure_failed ? RunStatus::failed
                                                                                   : RunStatus::completed;
  if (auto s = store.set_run_status(info.id, status); !s) {
    return fail(s.error());
  }
  if (incomplete) {
    return outcome;
  }
  // The WAL holds up to wal_autocheckpoint pages of the run (~30 MB at 32,000 trials), which the
  // last connection to close copies into the database: ~0.05-0.1 s at the end of run_suite. Copied
  // now on a second thread, it overlaps the read-back instead (a passive checkpoint waits on no
  // reader; it is joined before the store closes). A failure leaves the copy to the close.
  std::jthread checkpoint([path = options.db_path] { (void)Store::checkpoint(path); });
#if defined(__GLIBC__)
  // The run's transient allocations (responses, scores, rows on their way to the writer) were
  // made on the I/O, scoring and writer threads, whose malloc arenas keep the freed pages; hand
  // them back before the read-back allocates its digest, so the two phases' peaks do not add up.
  malloc_trim(0);
#endif
  // One streaming pass over the stored trials: gating a run of any size holds none of them.
  auto run = digest_stored_run(store, info.id);
  if (!run) {
    return fail(run.error());
  }
  GateOptions gate_options;
  gate_options.baseline = options.baseline;
  const GateVerdict gate = evaluate_gate(suite.gate, run->digest, gate_options);
  const std::string verdict = gate.passed ? "pass" : "fail";
  if (auto saved = store.save_gate(info.id, verdict, gate.results); !saved) {
    return fail(saved.error());
  }
  if (outcome.verdict == RunVerdict::passed) {
    outcome.infrastructure_message = infrastructure_problem(run->digest, suite.max_error_rate);
    if (!outcome.infrastructure_message.empty()) {
      outcome.verdict = RunVerdict::infrastructure_failed;
    } else if (!gate.passed) {
      outcome.verdict = RunVerdict::gate_failed;
    }
  }
  // What save_gate stored, so the run need not be read back a second time for the report.
  run->run.info.verdict = verdict;
  run->run.gate_results = gate.results;
  outcome.run = std::move(run).value();
  return outcome;
}

} // namespace evalgate
