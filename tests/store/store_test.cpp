#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "store/sqlite.hpp"
#include "store/store.hpp"
#include "store/trial_writer.hpp"
#include "store_fixture.hpp"

using namespace evalgate;
using evalgate::test::make_trial;
using evalgate::test::sample_cases;
using evalgate::test::sample_run_info;
using evalgate::test::TempDir;

namespace {

std::unique_ptr<Store> open_store(const std::string& path)
{
  auto store = Store::open(path);
  REQUIRE_MESSAGE(store, (store ? "" : store.error().str()));
  return std::move(*store);
}

std::string create_run(Store& store, int candidates = 2, int cases = 3)
{
  RunInfo info = sample_run_info(candidates);
  auto created = store.create_run(info, sample_cases(cases));
  REQUIRE_MESSAGE(created, (created ? "" : created.error().str()));
  return info.id;
}

void check_same_case(const Case& got, const Case& want)
{
  CHECK(got.id == want.id);
  CHECK(got.dataset == want.dataset);
  CHECK(got.row == want.row);
  CHECK(got.vars == want.vars);
  CHECK(got.expected == want.expected);
  CHECK(got.context == want.context);
  CHECK(got.tags == want.tags);
  CHECK(got.metadata == want.metadata);
  REQUIRE(got.evaluators.size() == want.evaluators.size());
  for (std::size_t i = 0; i < got.evaluators.size(); ++i) {
    CHECK(got.evaluators[i].type == want.evaluators[i].type);
    CHECK(got.evaluators[i].name == want.evaluators[i].name);
    CHECK(got.evaluators[i].config == want.evaluators[i].config);
  }
}

void check_same_trial(const ScoredTrial& got, const ScoredTrial& want)
{
  const Trial& g = got.trial;
  const Trial& w = want.trial;
  INFO("trial ", w.candidate_id, " / ", w.case_id);
  CHECK(g.candidate_id == w.candidate_id);
  CHECK(g.case_id == w.case_id);
  CHECK(g.repeat_index == w.repeat_index);
  CHECK(g.output == w.output);
  CHECK(g.latency_ms == w.latency_ms);
  CHECK(g.ttft_ms == w.ttft_ms);
  CHECK(g.usage.prompt_tokens == w.usage.prompt_tokens);
  CHECK(g.usage.completion_tokens == w.usage.completion_tokens);
  CHECK(g.usage.total_tokens == w.usage.total_tokens);
  CHECK(g.cost_usd == w.cost_usd);
  CHECK(g.cache_hit == w.cache_hit);
  CHECK(g.attempts == w.attempts);
  CHECK(g.failure == w.failure);
  CHECK(g.error == w.error);
  REQUIRE(got.scores.size() == want.scores.size());
  for (std::size_t i = 0; i < got.scores.size(); ++i) {
    const Score& gs = got.scores[i];
    const Score& ws = want.scores[i];
    CHECK(gs.metric == ws.metric);
    CHECK(gs.value == ws.value);
    CHECK(gs.pass == ws.pass);
    CHECK(gs.threshold == ws.threshold);
    CHECK(gs.reason == ws.reason);
    CHECK(gs.cost_usd == ws.cost_usd);
    CHECK(gs.error == ws.error);
  }
}

// The six trials of a 2 x 3 run in load order, one failed and one with an errored score.
std::vector<ScoredTrial> six_trials(const RunInfo& info, const std::vector<Case>& cases)
{
  std::vector<ScoredTrial> trials;
  for (const Candidate& c : info.candidates) {
    for (const Case& k : cases) {
      trials.push_back(make_trial(c.id, k.id));
    }
  }
  ScoredTrial& failed = trials[1];
  failed.trial.output.clear();
  failed.trial.ttft_ms.reset();
  failed.trial.usage = Usage{};
  failed.trial.attempts = 5;
  failed.trial.failure = FailureKind::http_5xx;
  failed.trial.error = "HTTP 503: overloaded";
  failed.scores.clear();

  ScoredTrial& judged = trials[4];
  judged.trial.cache_hit = true;
  judged.scores.push_back(Score{"rubric", 0, false, 0.5, "", 0.0023, "judge verdict is not JSON: 'maybe'"});
  return trials;
}

} // namespace

TEST_CASE("a run written from four threads loads back exactly as written, in suite order")
{
  TempDir dir;
  const std::string db_path = dir.file("evalgate.db");
  auto store = open_store(db_path);
  RunInfo info = sample_run_info(2);
  const std::vector<Case> cases = sample_cases(3);
  REQUIRE(store->create_run(info, cases));
  CHECK(info.id.size() == 22);
  CHECK(info.started_at.size() == 24);
  CHECK(info.case_count == 3);
  CHECK(info.trial_count == 6);

  const std::vector<ScoredTrial> trials = six_trials(info, cases);
  auto writer = TrialWriter::start(db_path, info.id);
  REQUIRE(writer);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      // Reverse order within each thread so the store, not the push order, decides the order.
      for (std::size_t i = trials.size(); i-- > 0;) {
        if (i % 4 == t) {
          (*writer)->push(trials[i]);
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  auto finished = (*writer)->finish();
  REQUIRE_MESSAGE(finished, (finished ? "" : finished.error().str()));
  CHECK((*writer)->written() == 6);

  auto loaded = store->load_run(info.id);
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().str()));
  const RunInfo& got = loaded->info;
  CHECK(got.id == info.id);
  CHECK(got.suite_name == "support-bot");
  CHECK(got.suite_path == "suites/evalgate.yaml");
  CHECK(got.status == RunStatus::running);
  CHECK(got.started_at == info.started_at);
  CHECK(got.finished_at.empty());
  CHECK(got.seed == 0xfeedfacecafebeefULL);
  CHECK(got.repeat == 1);
  CHECK(got.case_count == 3);
  CHECK(got.trial_count == 6);
  CHECK(got.verdict.empty());
  CHECK(got.config == info.config);
  REQUIRE(got.candidates.size() == 2);
  CHECK(got.candidates[0].id == "v1/gpt");
  CHECK(got.candidates[0].prompt_id == "v1");
  CHECK(got.candidates[0].provider_id == "gpt");
  CHECK(got.candidates[1].id == "v1/claude");

  REQUIRE(loaded->cases.size() == 3);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    check_same_case(loaded->cases[i], cases[i]);
  }
  CHECK(loaded->cases[2].location.str() == "datasets/golden.jsonl:row 3");

  REQUIRE(loaded->trials.size() == trials.size());
  for (std::size_t i = 0; i < trials.size(); ++i) {
    check_same_trial(loaded->trials[i], trials[i]);
  }
  CHECK(loaded->gate_results.empty());
}

TEST_CASE("run ids sort by start time and carry six hex digits")
{
  TempDir dir;
  auto store = open_store(dir.file("runs.db"));
  const std::string id = create_run(*store);
  REQUIRE(id.size() == 22);
  CHECK(id[8] == '-');
  CHECK(id[15] == '-');
  CHECK(id.find_first_not_of("0123456789", 0) == 8);
  CHECK(id.substr(16).find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(id.substr(0, 4) >= "2024");
}

TEST_CASE("a terminal status sets finished_at and running clears it")
{
  TempDir dir;
  auto store = open_store(dir.file("runs.db"));
  const std::string id = create_run(*store);
  REQUIRE(store->set_run_status(id, RunStatus::interrupted));
  auto interrupted = store->load_run(id);
  REQUIRE(interrupted);
  CHECK(interrupted->info.status == RunStatus::interrupted);
  CHECK(interrupted->info.finished_at.size() == 24);
  CHECK(interrupted->info.finished_at.back() == 'Z');

  REQUIRE(store->set_run_status(id, RunStatus::running));
  auto resumed = store->load_run(id);
  REQUIRE(resumed);
  CHECK(resumed->info.status == RunStatus::running);
  CHECK(resumed->info.finished_at.empty());

  auto unknown = store->set_run_status("nope", RunStatus::completed);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().category == ErrorCategory::usage);
}

TEST_CASE("latest resolves to the most recently started run")
{
  TempDir dir;
  const std::string db_path = dir.file("runs.db");
  auto store = open_store(db_path);

  auto none = store->resolve_run_id("latest");
  REQUIRE_FALSE(none);
  CHECK(none.error().category == ErrorCategory::usage);
  CHECK(none.error().message == "no runs in " + db_path + " yet (start one with `evalgate run`)");

  const std::string first = create_run(*store);
  std::this_thread::sleep_for(std::chrono::milliseconds(5)); // timestamps have millisecond resolution
  const std::string second = create_run(*store);
  CHECK(store->resolve_run_id("latest").value() == second);
  CHECK(store->resolve_run_id(first).value() == first);
}

TEST_CASE("an unknown run id names the database and points to evalgate runs")
{
  TempDir dir;
  const std::string db_path = dir.file("runs.db");
  auto store = open_store(db_path);
  create_run(*store);
  const std::string expected = "no run 'abc' in " + db_path + " (see `evalgate runs`)";

  auto resolved = store->resolve_run_id("abc");
  REQUIRE_FALSE(resolved);
  CHECK(resolved.error().category == ErrorCategory::usage);
  CHECK(resolved.error().message == expected);
  CHECK(store->load_run("abc").error().message == expected);
  CHECK(store->trial_keys("abc").error().message == expected);
  CHECK(store->save_gate("abc", "pass", {}).error().message == expected);
  CHECK(TrialWriter::start(db_path, "abc").error().message == expected);
}

TEST_CASE("list_runs shows the newest run first with its trial counts")
{
  TempDir dir;
  const std::string db_path = dir.file("runs.db");
  auto store = open_store(db_path);
  const std::string older = create_run(*store, 1, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string newer = create_run(*store, 2, 3);
  {
    auto writer = TrialWriter::start(db_path, newer).value();
    writer->push(make_trial("v1/gpt", "case-1"));
    writer->push(make_trial("v1/gpt", "case-2"));
    REQUIRE(writer->finish());
  }
  REQUIRE(store->set_run_status(older, RunStatus::completed));
  REQUIRE(store->save_gate(older, "pass", {}));

  auto runs = store->list_runs();
  REQUIRE(runs);
  REQUIRE(runs->size() == 2);
  CHECK((*runs)[0].id == newer);
  CHECK((*runs)[0].suite_name == "support-bot");
  CHECK((*runs)[0].status == RunStatus::running);
  CHECK((*runs)[0].trials_done == 2);
  CHECK((*runs)[0].trial_count == 6);
  CHECK((*runs)[0].verdict.empty());
  CHECK((*runs)[1].id == older);
  CHECK((*runs)[1].status == RunStatus::completed);
  CHECK((*runs)[1].trials_done == 0);
  CHECK((*runs)[1].trial_count == 2);
  CHECK((*runs)[1].verdict == "pass");

  auto one = store->list_runs(1);
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].id == newer);
}

TEST_CASE("saving a gate replaces the previous results and sets the verdict")
{
  TempDir dir;
  auto store = open_store(dir.file("runs.db"));
  const std::string id = create_run(*store);
  const std::vector<GateResult> first{
    {"contains", "v1/gpt", "min_pass_rate", 0.82, 0.95, false, "contains pass rate 0.82 < 0.95 (v1/gpt)"},
    {"contains", "v1/claude", "min_pass_rate", 1.0, 0.95, true, ""},
  };
  REQUIRE(store->save_gate(id, "fail", first));
  auto failed = store->load_run(id);
  REQUIRE(failed);
  CHECK(failed->info.verdict == "fail");
  REQUIRE(failed->gate_results.size() == 2);
  CHECK(failed->gate_results[0].metric == "contains");
  CHECK(failed->gate_results[0].candidate_id == "v1/gpt");
  CHECK(failed->gate_results[0].check == "min_pass_rate");
  CHECK(failed->gate_results[0].observed == 0.82);
  CHECK(failed->gate_results[0].limit == 0.95);
  CHECK_FALSE(failed->gate_results[0].passed);
  CHECK(failed->gate_results[0].message == "contains pass rate 0.82 < 0.95 (v1/gpt)");
  CHECK(failed->gate_results[1].candidate_id == "v1/claude");
  CHECK(failed->gate_results[1].passed);

  REQUIRE(store->save_gate(id, "pass", {{"answer-similarity", "", "min_mean", 0.9, 0.8, true, ""}}));
  auto passed = store->load_run(id);
  REQUIRE(passed);
  CHECK(passed->info.verdict == "pass");
  REQUIRE(passed->gate_results.size() == 1);
  CHECK(passed->gate_results[0].metric == "answer-similarity");
  CHECK(passed->gate_results[0].check == "min_mean");
}

TEST_CASE("duplicate case ids are refused before anything is written")
{
  TempDir dir;
  auto store = open_store(dir.file("runs.db"));
  RunInfo info = sample_run_info(1);
  std::vector<Case> cases = sample_cases(3);
  cases[2].id = "case-1";
  auto created = store->create_run(info, cases);
  REQUIRE_FALSE(created);
  CHECK(created.error().category == ErrorCategory::data);
  CHECK(created.error().message ==
        "case id 'case-1' appears twice (positions 1 and 3); case ids must be unique within a run");
  CHECK(store->list_runs()->empty());
}

TEST_CASE("a case's empty fields are stored as the JSON texts null, [], {} and []; filled ones as written")
{
  TempDir dir;
  const std::string path = dir.file("evalgate.db");
  auto store = Store::open(path).value();
  RunInfo info = sample_run_info(1);
  std::vector<Case> cases = sample_cases(3);
  cases[0].vars = Json::object();
  cases[0].context = Json();
  cases[0].tags.clear();
  cases[0].metadata = Json::object();
  cases[1].metadata = Json::array();
  REQUIRE(store->create_run(info, cases));

  auto db = sqlite::Db::open(path).value();
  auto rows = db.prepare("SELECT vars, context, tags, metadata, evaluators FROM cases ORDER BY position");
  REQUIRE(rows);
  REQUIRE(rows->step().value());
  CHECK(rows->text(0) == "{}");
  CHECK(rows->text(1) == "null");
  CHECK(rows->text(2) == "[]");
  CHECK(rows->text(3) == "{}");
  CHECK(rows->text(4) == "[]");
  REQUIRE(rows->step().value());
  CHECK(rows->text(0) == R"({"n":1,"question":"q1"})");
  CHECK(rows->text(1) == R"(["doc a","doc b"])");
  CHECK(rows->text(2) == R"(["smoke","tier-1"])");
  CHECK(rows->text(3) == "[]");
  REQUIRE(rows->step().value());
  CHECK(rows->text(3) == R"({"source":"unit"})");
  CHECK(rows->text(4) == R"([{"config":{"value":"refund"},"name":"mentions-refund","type":"contains"}])");
}
