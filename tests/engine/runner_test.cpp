#include <doctest/doctest.h>

#include <atomic>

#include "engine/run_checks.hpp"
#include "engine/runner.hpp"
#include "engine/worker_pool.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

using namespace evalgate;

namespace {

// A suite scored from a case field: no provider call, so the engine runs offline.
Suite field_suite(int cases, int repeat)
{
  Suite suite;
  suite.name = "field-suite";
  suite.path = "suite.yaml";
  suite.prompts.push_back({"p", {{"user", "{{question}}"}}, false, {}});
  ProviderSpec provider;
  provider.id = "recorded";
  provider.type = "field";
  provider.field = "answer";
  suite.providers.push_back(provider);
  for (int i = 1; i <= cases; ++i) {
    Case c;
    c.id = "c" + std::to_string(i);
    c.row = i;
    c.vars = {{"question", "q" + std::to_string(i)}, {"answer", i % 2 == 0 ? "yes, refund" : "no"}};
    if (i == 1) {
      c.evaluators.push_back({"equals", "exact", Json{{"type", "equals"}, {"value", "no"}}, {}});
    }
    suite.cases.push_back(c);
  }
  suite.evaluators.push_back({"contains", "refund", Json{{"type", "contains"}, {"value", "refund"}}, {}});
  suite.gate.push_back({"refund", "", std::nullopt, 0.4, std::nullopt, {}});
  suite.repeat = repeat;
  suite.concurrency = 3;
  return suite;
}

struct CountingObserver : RunObserver {
  std::atomic<int> trials{0};
  RunProgress last;
  void on_trial(const ScoredTrial&, const RunProgress& progress) override
  {
    ++trials;
    last = progress;
  }
};

} // namespace

TEST_CASE("a field-provider suite runs offline, scores default and per-case evaluators, and gates")
{
  evalgate::testing::TempDir dir;
  RunOptions options;
  options.db_path = dir.file("runs.db");
  CountingObserver observer;
  auto outcome = run_suite(field_suite(10, 2), options, observer);
  REQUIRE(outcome);
  CHECK(outcome->verdict == RunVerdict::passed);
  CHECK(observer.trials == 20);
  CHECK(observer.last.done == 20);

  auto store = Store::open(options.db_path);
  REQUIRE(store);
  auto run = (*store)->load_run(outcome->run_id);
  REQUIRE(run);
  CHECK(run->info.status == RunStatus::completed);
  CHECK(run->info.verdict == "pass");
  REQUIRE(run->trials.size() == 20);
  for (const auto& t : run->trials) {
    CHECK(t.trial.ok());
    CHECK(t.trial.attempts == 0);
    const bool first_case = t.trial.case_id == "c1";
    REQUIRE(t.scores.size() == (first_case ? 2u : 1u));
    CHECK(t.scores[0].metric == "refund");
    if (first_case) {
      CHECK(t.scores[1].metric == "exact");
      CHECK(t.scores[1].pass);
    }
  }
}

TEST_CASE("per-case evaluators reach their own case's trials only, when a few cases of many have any")
{
  // The runner keeps evaluator lists only for the cases that have some (2, 5 and 6 of 7), each
  // its own metric, so a case scored with another case's list would show here.
  evalgate::testing::TempDir dir;
  Suite suite = field_suite(7, 1);
  CaseList cases;
  for (std::size_t i = 0; i < suite.cases.size(); ++i) {
    Case c = suite.cases[i];
    c.evaluators.clear();
    if (c.id == "c2" || c.id == "c5" || c.id == "c6") {
      c.evaluators.push_back({"contains", "own-" + c.id, Json{{"type", "contains"}, {"value", "o"}}, {}});
    }
    cases.push_back(c);
  }
  suite.cases = std::move(cases);
  RunOptions options;
  options.db_path = dir.file("runs.db");
  RunObserver quiet;
  auto outcome = run_suite(suite, options, quiet);
  REQUIRE(outcome);
  auto store = Store::open(options.db_path);
  REQUIRE(store);
  auto run = (*store)->load_run(outcome->run_id);
  REQUIRE(run);
  REQUIRE(run->trials.size() == 7);
  for (const auto& t : run->trials) {
    const std::string& id = t.trial.case_id;
    const bool own = id == "c2" || id == "c5" || id == "c6";
    REQUIRE(t.scores.size() == (own ? 2u : 1u));
    CHECK(t.scores[0].metric == "refund");
    if (own) {
      CHECK(t.scores[1].metric == "own-" + id);
    }
  }
}

TEST_CASE("a gate the run misses gives the gate_failed verdict and exit code 1")
{
  evalgate::testing::TempDir dir;
  Suite suite = field_suite(4, 1);
  suite.gate[0].min_pass_rate = 0.9;
  RunOptions options;
  options.db_path = dir.file("runs.db");
  RunObserver quiet;
  auto outcome = run_suite(suite, options, quiet);
  REQUIRE(outcome);
  CHECK(outcome->verdict == RunVerdict::gate_failed);
  CHECK(exit_code_for(outcome->verdict) == 1);
}

TEST_CASE("a missing case field fails its trials and too many failures is an infrastructure failure")
{
  evalgate::testing::TempDir dir;
  Suite suite = field_suite(4, 1);
  suite.providers[0].field = "nope";
  RunOptions options;
  options.db_path = dir.file("runs.db");
  RunObserver quiet;
  auto outcome = run_suite(suite, options, quiet);
  REQUIRE(outcome);
  CHECK(outcome->verdict == RunVerdict::infrastructure_failed);
  CHECK(exit_code_for(outcome->verdict) == 3);
  CHECK(outcome->infrastructure_message.find("failed") != std::string::npos);
}

TEST_CASE("a stop requested before the first trial ends the run as interrupted with nothing stored")
{
  evalgate::testing::TempDir dir;
  std::atomic<bool> stop{true};
  RunOptions options;
  options.db_path = dir.file("runs.db");
  options.stop_requested = &stop;
  RunObserver quiet;
  auto outcome = run_suite(field_suite(5, 1), options, quiet);
  REQUIRE(outcome);
  CHECK(outcome->verdict == RunVerdict::interrupted);
  CHECK(exit_code_for(outcome->verdict) == 130);
  auto store = Store::open(options.db_path);
  REQUIRE(store);
  auto run = (*store)->load_run(outcome->run_id);
  REQUIRE(run);
  CHECK(run->trials.empty());
  CHECK(run->info.status == RunStatus::interrupted);

  stop = false;
  options.resume_run_id = outcome->run_id;
  auto resumed = run_suite(field_suite(5, 1), options, quiet);
  REQUIRE(resumed);
  CHECK(resumed->run_id == outcome->run_id);
  CHECK(resumed->progress.total == 5);
  CHECK((*store)->load_run(outcome->run_id)->trials.size() == 5);
}

TEST_CASE("resuming with a suite whose cases changed is refused with the reason")
{
  evalgate::testing::TempDir dir;
  RunOptions options;
  options.db_path = dir.file("runs.db");
  RunObserver quiet;
  auto first = run_suite(field_suite(3, 1), options, quiet);
  REQUIRE(first);
  options.resume_run_id = first->run_id;
  auto resumed = run_suite(field_suite(4, 1), options, quiet);
  REQUIRE_FALSE(resumed);
  CHECK(resumed.error().message ==
        "cannot resume run " + first->run_id + ": the run has 3 cases, the suite now has 4");
}

namespace {

// What a run stopped before its writer stored the case rows leaves: the runs and candidates rows,
// no case, no trial (the writer commits the cases before any trial).
void forget_cases_and_trials(const std::string& db_path, const std::string& run_id)
{
  auto db = sqlite::Db::open(db_path);
  REQUIRE(db);
  for (const char* table : {"scores", "trials", "cases", "gate_results"}) {
    const std::string where = std::string(table) == "scores" ? "" : " WHERE run_id = '" + run_id + "'";
    REQUIRE(db->exec(std::string("DELETE FROM ") + table + where));
  }
  REQUIRE(db->exec("UPDATE runs SET status = 'interrupted', verdict = '' WHERE id = '" + run_id + "'"));
}

std::vector<std::string> trial_lines(const RunData& run)
{
  std::vector<std::string> out;
  for (const auto& t : run.trials) {
    std::string line = t.trial.candidate_id + "|" + t.trial.case_id + "|" +
                       std::to_string(t.trial.repeat_index) + "|" + t.trial.output;
    for (const auto& s : t.scores) {
      line += "|" + s.metric + "=" + std::to_string(s.value);
    }
    out.push_back(line);
  }
  return out;
}

} // namespace

TEST_CASE("a new run's case rows, stored by its writer, are the suite's cases in order")
{
  evalgate::testing::TempDir dir;
  RunOptions options;
  options.db_path = dir.file("runs.db");
  RunObserver quiet;
  const Suite suite = field_suite(7, 1);
  auto outcome = run_suite(suite, options, quiet);
  REQUIRE(outcome);
  auto store = Store::open(options.db_path);
  REQUIRE(store);
  auto run = (*store)->load_run(outcome->run_id);
  REQUIRE(run);
  CHECK(run->info.case_count == 7);
  REQUIRE(run->cases.size() == 7);
  for (std::size_t i = 0; i < run->cases.size(); ++i) {
    const Case expected = suite.cases[i];
    CHECK(run->cases[i].id == expected.id);
    CHECK(run->cases[i].row == expected.row);
    CHECK(run->cases[i].vars == expected.vars);
    CHECK(run->cases[i].evaluators.size() == expected.evaluators.size());
  }
}

TEST_CASE("a run stopped before its case rows were stored resumes with them to the same trials")
{
  evalgate::testing::TempDir dir;
  RunOptions options;
  options.db_path = dir.file("runs.db");
  RunObserver quiet;
  auto first = run_suite(field_suite(6, 2), options, quiet);
  REQUIRE(first);
  std::vector<std::string> expected;
  {
    auto store = Store::open(options.db_path);
    REQUIRE(store);
    expected = trial_lines(*(*store)->load_run(first->run_id));
  }
  REQUIRE(expected.size() == 12);
  forget_cases_and_trials(options.db_path, first->run_id);

  options.resume_run_id = first->run_id;
  auto resumed = run_suite(field_suite(6, 2), options, quiet);
  REQUIRE_MESSAGE(resumed, (resumed ? "" : resumed.error().message));
  CHECK(resumed->verdict == first->verdict);
  CHECK(resumed->progress.total == 12);
  auto store = Store::open(options.db_path);
  REQUIRE(store);
  auto run = (*store)->load_run(first->run_id);
  REQUIRE(run);
  CHECK(run->info.status == RunStatus::completed);
  REQUIRE(run->cases.size() == 6);
  CHECK(run->cases[5].id == "c6");
  CHECK(trial_lines(*run) == expected);
}

TEST_CASE("a run stopped before its case rows were stored is not resumed with a suite of another size")
{
  evalgate::testing::TempDir dir;
  RunOptions options;
  options.db_path = dir.file("runs.db");
  RunObserver quiet;
  auto first = run_suite(field_suite(3, 1), options, quiet);
  REQUIRE(first);
  forget_cases_and_trials(options.db_path, first->run_id);
  options.resume_run_id = first->run_id;
  auto resumed = run_suite(field_suite(4, 1), options, quiet);
  REQUIRE_FALSE(resumed);
  CHECK(resumed.error().message ==
        "cannot resume run " + first->run_id +
            ": it stopped before its 3 cases were stored, and the suite now has 4; "
            "start a new run instead");
}

TEST_CASE("the infrastructure check names the failure rate, the limit and the most common error")
{
  RunData run;
  for (int i = 0; i < 10; ++i) {
    ScoredTrial t;
    if (i < 3) {
      t.trial.failure = FailureKind::http_5xx;
      t.trial.error = "HTTP 500: boom";
    }
    run.trials.push_back(t);
  }
  CHECK(infrastructure_problem(run, 0.5).empty());
  CHECK(infrastructure_problem(run, 0.1) ==
        "30.0% of trials failed (3/10, max_error_rate 0.10); most common error (3x): HTTP 500: boom");
}

TEST_CASE("the worker pool runs every posted job and wait_idle waits for them")
{
  std::atomic<int> count{0};
  WorkerPool pool(3);
  for (int i = 0; i < 1000; ++i) {
    pool.post([&count] { ++count; });
  }
  pool.wait_idle();
  CHECK(count == 1000);
}

namespace {

// Everything a report reads from a RunData, as JSON, so two runs can be compared whole.
Json run_fingerprint(const RunData& run)
{
  Json trials = Json::array();
  for (const ScoredTrial& scored : run.trials) {
    const Trial& t = scored.trial;
    Json scores = Json::array();
    for (const Score& s : scored.scores) {
      scores.push_back({s.metric, s.value, s.pass, s.threshold ? Json(*s.threshold) : Json(), s.reason,
                        s.cost_usd, s.error, s.details});
    }
    trials.push_back({t.candidate_id, t.case_id, t.repeat_index, t.output, t.latency_ms, t.usage.total_tokens,
                      t.cost_usd ? Json(*t.cost_usd) : Json(), t.cache_hit, t.attempts,
                      failure_kind_name(t.failure), t.error, t.provider_id, scores});
  }
  Json gate = Json::array();
  for (const GateResult& g : run.gate_results) {
    gate.push_back({g.metric, g.candidate_id, g.check, g.observed, g.limit, g.passed, g.message});
  }
  Json cases = Json::array();
  for (const Case& c : run.cases) {
    cases.push_back({c.id, c.vars, c.row});
  }
  const RunInfo& i = run.info;
  return {{"info",
           {i.id, i.suite_name, i.suite_path, run_status_name(i.status), i.started_at, i.finished_at, i.seed,
            i.repeat, i.candidates.size(), i.case_count, i.trial_count, i.verdict, i.config, i.options}},
          {"cases", cases},
          {"trials", trials},
          {"gate", gate}};
}

} // namespace

TEST_CASE(
    "a gated run comes back in the outcome exactly as the store reads it, so the report needs no reload")
{
  evalgate::testing::TempDir dir;
  RunOptions options;
  options.db_path = dir.file("runs.db");
  CountingObserver observer;
  Suite suite = field_suite(6, 2);
  suite.gate.push_back({"refund", "", std::nullopt, 0.9, std::nullopt, {}}); // fails: a verdict of "fail"
  auto outcome = run_suite(suite, options, observer);
  REQUIRE(outcome);
  CHECK(outcome->verdict == RunVerdict::gate_failed);
  REQUIRE(outcome->run.has_value());
  auto store = Store::open(options.db_path);
  REQUIRE(store);
  auto stored = (*store)->load_run(outcome->run_id);
  REQUIRE(stored);
  CHECK(stored->info.verdict == "fail");
  CHECK(stored->gate_results.size() == 2);
  // The outcome carries the header and the digest of the trials, not the trials themselves.
  RunData header = *stored;
  header.trials.clear();
  header.cases.clear();
  CHECK(outcome->run->run.trials.empty());
  CHECK(run_fingerprint(outcome->run->run).dump() == run_fingerprint(header).dump());
  CHECK(outcome->run->digest.trial_count() == static_cast<std::int64_t>(stored->trials.size()));
}

TEST_CASE("an interrupted run is not gated and carries no run in its outcome")
{
  evalgate::testing::TempDir dir;
  RunOptions options;
  options.db_path = dir.file("runs.db");
  std::atomic<bool> stop{true};
  options.stop_requested = &stop;
  CountingObserver observer;
  auto outcome = run_suite(field_suite(3, 1), options, observer);
  REQUIRE(outcome);
  CHECK(outcome->verdict == RunVerdict::interrupted);
  CHECK_FALSE(outcome->run.has_value());
}
