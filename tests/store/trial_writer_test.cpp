#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
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

struct Fixture {
  TempDir dir;
  std::string db_path = dir.file("evalgate.db");
  std::unique_ptr<Store> store;
  std::string run_id;

  explicit Fixture(int candidates = 2, int cases = 3, int repeat = 1)
  {
    store = Store::open(db_path).value();
    RunInfo info = sample_run_info(candidates);
    info.repeat = repeat;
    REQUIRE(store->create_run(info, sample_cases(cases)));
    run_id = info.id;
  }

  std::unique_ptr<TrialWriter> writer()
  {
    auto started = TrialWriter::start(db_path, run_id);
    REQUIRE_MESSAGE(started, (started ? "" : started.error().str()));
    return std::move(*started);
  }

  // Makes every later trial insert fail the way a full disk would, with sqlite's own message path.
  void break_trial_inserts()
  {
    auto db = sqlite::Db::open(db_path).value();
    REQUIRE(db.exec("CREATE TRIGGER refuse_trials BEFORE INSERT ON trials "
                    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"));
  }
};

ScoredTrial failed_trial(const std::string& candidate, const std::string& case_id)
{
  ScoredTrial s = make_trial(candidate, case_id);
  s.trial.output.clear();
  s.trial.failure = FailureKind::timeout;
  s.trial.error = "no response within 60000 ms";
  s.trial.attempts = 5;
  s.scores = {Score{"contains", 0, false, std::nullopt, "", 0, "no output to score"}};
  return s;
}

} // namespace

TEST_CASE("writing a trial again replaces the failed row and all of its scores")
{
  Fixture f;
  {
    auto writer = f.writer();
    writer->push(failed_trial("v1/gpt", "case-1"));
    REQUIRE(writer->finish());
  }
  ScoredTrial retried = make_trial("v1/gpt", "case-1");
  retried.scores = {Score{"answer-similarity", 0.9, true, 0.8, "cosine 0.90 >= 0.8", 0, ""},
                    Score{"rubric", 1, true, std::nullopt, "polite", 0.002, ""}};
  {
    auto writer = f.writer();
    writer->push(retried);
    REQUIRE(writer->finish());
    CHECK(writer->written() == 1);
  }

  auto run = f.store->load_run(f.run_id);
  REQUIRE(run);
  REQUIRE(run->trials.size() == 1);
  const ScoredTrial& got = run->trials[0];
  CHECK(got.trial.ok());
  CHECK(got.trial.error.empty());
  CHECK(got.trial.output == retried.trial.output);
  CHECK(got.trial.attempts == 1);
  REQUIRE(got.scores.size() == 2);
  CHECK(got.scores[0].metric == "answer-similarity");
  CHECK(got.scores[1].metric == "rubric");
  CHECK(got.scores[1].cost_usd == 0.002);

  // Replacing deletes the old scores rather than leaving them orphaned or duplicated.
  auto db = sqlite::Db::open(f.db_path).value();
  auto count = db.prepare("SELECT count(*) FROM scores");
  REQUIRE(count);
  REQUIRE(count->step().value());
  CHECK(count->integer(0) == 2);
}

TEST_CASE("an unknown cost reads back as unknown, not as zero, beside cached tokens, provider and details")
{
  Fixture f;
  ScoredTrial unpriced = make_trial("v1/gpt", "case-1");
  unpriced.trial.cost_usd.reset();
  unpriced.trial.usage.cached_tokens = 4;
  unpriced.trial.provider_id = "backup";
  unpriced.scores[1].details = Json{{"mode", "probability-weighted"}};
  ScoredTrial priced = make_trial("v1/gpt", "case-2");
  priced.trial.cost_usd = 0.0;
  {
    auto writer = f.writer();
    writer->push(unpriced);
    writer->push(priced);
    REQUIRE(writer->finish());
  }
  auto run = f.store->load_run(f.run_id);
  REQUIRE(run);
  REQUIRE(run->trials.size() == 2);
  CHECK_FALSE(run->trials[0].trial.cost_usd.has_value());
  CHECK(run->trials[0].trial.usage.cached_tokens == 4);
  CHECK(run->trials[0].trial.provider_id == "backup");
  CHECK(run->trials[0].scores[1].details == Json{{"mode", "probability-weighted"}});
  CHECK(run->trials[0].scores[0].details == Json::object());
  REQUIRE(run->trials[1].trial.cost_usd.has_value());
  CHECK(*run->trials[1].trial.cost_usd == 0.0);
}

TEST_CASE("trial keys list stored trials without a failure, so a resume retries failed ones")
{
  Fixture f(1, 3, 2);
  {
    auto writer = f.writer();
    writer->push(make_trial("v1/gpt", "case-1", 0));
    writer->push(make_trial("v1/gpt", "case-1", 1));
    writer->push(failed_trial("v1/gpt", "case-2"));
    REQUIRE(writer->finish());
  }
  auto keys = f.store->trial_keys(f.run_id);
  REQUIRE(keys);
  const std::set<TrialKey> expected{{"v1/gpt", "case-1", 0}, {"v1/gpt", "case-1", 1}};
  CHECK(*keys == expected);
}

TEST_CASE("trials are committed within a batch interval without waiting for finish")
{
  Fixture f;
  auto writer = f.writer();
  writer->push(make_trial("v1/gpt", "case-1"));
  writer->push(make_trial("v1/gpt", "case-2"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (writer->written() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(writer->written() == 2);
  CHECK(f.store->list_runs()->front().trials_done == 2);
  REQUIRE(writer->finish());
}

TEST_CASE("ten thousand trials from two threads are all written")
{
  Fixture f(2, 50, 100);
  auto writer = f.writer();
  std::vector<std::thread> threads;
  for (const std::string candidate : {"v1/gpt", "v1/claude"}) {
    threads.emplace_back([&writer, candidate] {
      for (int c = 1; c <= 50; ++c) {
        for (int r = 0; r < 100; ++r) {
          writer->push(make_trial(candidate, "case-" + std::to_string(c), r));
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  REQUIRE(writer->finish());
  CHECK(writer->written() == 10000);
  auto run = f.store->load_run(f.run_id);
  REQUIRE(run);
  REQUIRE(run->trials.size() == 10000);
  CHECK(run->trials.front().trial.candidate_id == "v1/gpt");
  CHECK(run->trials.front().trial.case_id == "case-1");
  CHECK(run->trials[99].trial.repeat_index == 99);
  CHECK(run->trials.back().trial.candidate_id == "v1/claude");
  CHECK(run->trials.back().trial.case_id == "case-50");
  CHECK(run->trials.back().scores.size() == 2);
  CHECK(f.store->list_runs()->front().trials_done == 10000);
}

TEST_CASE("a failed commit is reported by finish with sqlite's message and the count not written")
{
  Fixture f;
  f.break_trial_inserts();
  auto writer = f.writer();
  writer->push(make_trial("v1/gpt", "case-1"));
  writer->push(make_trial("v1/gpt", "case-2"));
  writer->push(make_trial("v1/gpt", "case-3"));
  auto finished = writer->finish();
  REQUIRE_FALSE(finished);
  CHECK(finished.error().category == ErrorCategory::store);
  CHECK(finished.error().message ==
        "cannot write trials to " + f.db_path + ": database or disk is full; 3 trials were not written");
  CHECK(writer->written() == 0);
  CHECK(f.store->load_run(f.run_id)->trials.empty());
}

TEST_CASE("after a write error later pushes are dropped and counted, not lost silently")
{
  Fixture f;
  f.break_trial_inserts();
  auto writer = f.writer();
  writer->push(make_trial("v1/gpt", "case-1"));
  // Wait for the timer batch to fail, so the next pushes arrive after the error.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  writer->push(make_trial("v1/gpt", "case-2"));
  writer->push(make_trial("v1/gpt", "case-3"));
  auto finished = writer->finish();
  REQUIRE_FALSE(finished);
  CHECK(finished.error().message ==
        "cannot write trials to " + f.db_path + ": database or disk is full; 3 trials were not written");
}

TEST_CASE("a trial pushed after finish is reported by the next finish")
{
  Fixture f;
  auto writer = f.writer();
  writer->push(make_trial("v1/gpt", "case-1"));
  REQUIRE(writer->finish());
  writer->push(make_trial("v1/gpt", "case-2"));
  auto again = writer->finish();
  REQUIRE_FALSE(again);
  CHECK(again.error().category == ErrorCategory::internal);
  CHECK(again.error().message == "a trial was pushed after finish(); 1 trial was not written");
  CHECK(writer->written() == 1);
}

TEST_CASE("two scores with one metric name keep the first and finish says so")
{
  Fixture f;
  ScoredTrial doubled = make_trial("v1/gpt", "case-1");
  doubled.scores.push_back(Score{"contains", 0, false, std::nullopt, "second", 0, ""});
  auto writer = f.writer();
  writer->push(doubled);
  auto finished = writer->finish();
  REQUIRE_FALSE(finished);
  CHECK(finished.error().message ==
        "trial v1/gpt / case-1 repeat 0 has two scores named 'contains'; only the first was stored");
  auto run = f.store->load_run(f.run_id);
  REQUIRE(run);
  REQUIRE(run->trials.size() == 1);
  REQUIRE(run->trials[0].scores.size() == 2);
  CHECK(run->trials[0].scores[0].reason == "found 'refund'");
}

TEST_CASE("a writer destroyed without finish still commits what was pushed")
{
  Fixture f;
  {
    auto writer = f.writer();
    writer->push(make_trial("v1/claude", "case-2"));
  }
  auto run = f.store->load_run(f.run_id);
  REQUIRE(run);
  REQUIRE(run->trials.size() == 1);
  CHECK(run->trials[0].trial.candidate_id == "v1/claude");
}

TEST_CASE("a trial pushed twice to one writer keeps the second row and only the second's scores")
{
  Fixture f;
  ScoredTrial first = failed_trial("v1/gpt", "case-1");
  first.scores = {Score{"stale-a", 0, false, std::nullopt, "", 0, ""},
                  Score{"stale-b", 0, false, std::nullopt, "", 0, ""},
                  Score{"contains", 0, false, std::nullopt, "", 0, ""}};
  ScoredTrial second = make_trial("v1/gpt", "case-1");
  {
    auto writer = f.writer();
    writer->push(first);
    writer->push(second);
    REQUIRE(writer->finish());
  }
  auto run = f.store->load_run(f.run_id);
  REQUIRE(run);
  REQUIRE(run->trials.size() == 1);
  CHECK(run->trials[0].trial.ok());
  CHECK(run->trials[0].trial.output == second.trial.output);
  REQUIRE(run->trials[0].scores.size() == 2);
  CHECK(run->trials[0].scores[0].metric == "contains");
  CHECK(run->trials[0].scores[0].pass);
  CHECK(run->trials[0].scores[1].metric == "answer-similarity");

  auto db = sqlite::Db::open(f.db_path).value();
  auto count = db.prepare("SELECT count(*) FROM scores");
  REQUIRE(count);
  REQUIRE(count->step().value());
  CHECK(count->integer(0) == 2);
}

TEST_CASE("a trial with more scores than one insert statement holds keeps every score at its position")
{
  Fixture f;
  ScoredTrial many = make_trial("v1/gpt", "case-1");
  many.scores.clear();
  for (int i = 0; i < 19; ++i) {
    // Position 5 repeats metric m-4: it is left out, and later scores keep their own positions.
    const std::string metric = "m-" + std::to_string(i == 5 ? 4 : i);
    many.scores.push_back(
        Score{metric, i / 20.0, i % 2 == 0, std::nullopt, "reason " + std::to_string(i), 0, ""});
  }
  many.scores[17].details = Json{{"k", 17}};
  {
    auto writer = f.writer();
    writer->push(many);
    auto finished = writer->finish();
    REQUIRE_FALSE(finished);
    CHECK(finished.error().message ==
          "trial v1/gpt / case-1 repeat 0 has two scores named 'm-4'; only the first "
          "was stored");
  }
  auto db = sqlite::Db::open(f.db_path).value();
  auto rows =
      db.prepare("SELECT metric, position, value, pass, reason, details FROM scores ORDER BY position");
  REQUIRE(rows);
  std::vector<int> positions;
  while (rows->step().value()) {
    const int position = static_cast<int>(rows->integer(1));
    positions.push_back(position);
    CHECK(rows->text(0) == "m-" + std::to_string(position));
    CHECK(rows->real(2) == position / 20.0);
    CHECK(rows->integer(3) == (position % 2 == 0 ? 1 : 0));
    CHECK(rows->text(4) == "reason " + std::to_string(position));
    CHECK(rows->text(5) == (position == 17 ? R"({"k":17})" : "{}"));
  }
  const std::vector<int> expected{0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
  CHECK(positions == expected);
}

namespace {

// A run created without its case rows, as `evalgate run` creates one; the writer stores them.
struct PendingCasesFixture {
  TempDir dir;
  std::string db_path = dir.file("evalgate.db");
  std::unique_ptr<Store> store;
  std::string run_id;
  std::vector<Case> cases = sample_cases(5);

  PendingCasesFixture()
  {
    store = Store::open(db_path).value();
    RunInfo info = sample_run_info(1);
    REQUIRE(store->create_run_without_cases(
        info, cases.size(), [this](std::size_t i) -> std::string_view { return cases[i].id; }));
    run_id = info.id;
  }

  std::unique_ptr<TrialWriter> writer()
  {
    TrialWriter::CaseRows rows{cases.size(), [this](std::size_t i) { return cases[i]; }};
    auto started = TrialWriter::start(db_path, run_id, std::move(rows));
    REQUIRE_MESSAGE(started, (started ? "" : started.error().str()));
    return std::move(*started);
  }
};

} // namespace

TEST_CASE("a run created without its cases has them stored by its writer, equal to create_run's")
{
  PendingCasesFixture f;
  CHECK(f.store->load_run_header(f.run_id, true)->cases.empty());
  CHECK(f.store->load_run_header(f.run_id)->info.case_count == 5);
  {
    auto writer = f.writer();
    writer->push(make_trial("v1/gpt", "case-2"));
    REQUIRE(writer->finish());
  }
  RunInfo other = sample_run_info(1);
  REQUIRE(f.store->create_run(other, f.cases));
  const RunData written = f.store->load_run(f.run_id).value();
  const RunData created = f.store->load_run(other.id).value();
  REQUIRE(written.cases.size() == created.cases.size());
  for (std::size_t i = 0; i < written.cases.size(); ++i) {
    const Case& a = written.cases[i];
    const Case& b = created.cases[i];
    CHECK(a.id == b.id);
    CHECK(a.dataset == b.dataset);
    CHECK(a.row == b.row);
    CHECK(a.vars == b.vars);
    CHECK(a.expected == b.expected);
    CHECK(a.context == b.context);
    CHECK(a.tags == b.tags);
    CHECK(a.metadata == b.metadata);
    CHECK(a.evaluators.size() == b.evaluators.size());
  }
  REQUIRE(written.trials.size() == 1);
  CHECK(written.trials[0].trial.case_id == "case-2");
}

TEST_CASE("a writer that cannot store the run's cases writes no trial and finish says why")
{
  PendingCasesFixture f;
  {
    auto db = sqlite::Db::open(f.db_path).value();
    REQUIRE(db.exec("CREATE TRIGGER refuse_cases BEFORE INSERT ON cases "
                    "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"));
  }
  auto writer = f.writer();
  writer->push(make_trial("v1/gpt", "case-1"));
  writer->push(make_trial("v1/gpt", "case-2"));
  writer->push(make_trial("v1/gpt", "case-3"));
  auto finished = writer->finish();
  REQUIRE_FALSE(finished);
  CHECK(finished.error().category == ErrorCategory::store);
  CHECK(finished.error().message == "cannot write trials to " + f.db_path +
                                        ": cannot store the cases of run " + f.run_id +
                                        ": database or disk is full; 3 trials were not written");
  CHECK(writer->written() == 0);
  CHECK(f.store->load_run(f.run_id)->trials.empty());
  CHECK(f.store->load_run(f.run_id)->cases.empty());
}

TEST_CASE("a run created without its cases still refuses duplicate case ids")
{
  TempDir dir;
  auto store = Store::open(dir.file("runs.db")).value();
  RunInfo info = sample_run_info(1);
  const std::vector<std::string> ids = {"case-1", "case-2", "case-1"};
  auto created = store->create_run_without_cases(
      info, ids.size(), [&ids](std::size_t i) -> std::string_view { return ids[i]; });
  REQUIRE_FALSE(created);
  CHECK(created.error().category == ErrorCategory::data);
  CHECK(created.error().message ==
        "case id 'case-1' appears twice (positions 1 and 3); case ids must be unique within a run");
}

TEST_CASE("a checkpoint copies the committed trials into the database file while connections stay open")
{
  Fixture f;
  {
    auto writer = f.writer();
    writer->push(make_trial("v1/gpt", "case-1"));
    writer->push(make_trial("v1/claude", "case-2"));
    REQUIRE(writer->finish());
  }
  // The store's connection stays open, so nothing has copied the WAL back yet: the database file
  // alone, copied elsewhere without its -wal file, is read as it was before the trials.
  const auto copy_alone = [&f](const std::string& name) -> std::int64_t {
    const std::string path = f.dir.file(name);
    std::filesystem::copy_file(f.db_path, path);
    auto db = sqlite::Db::open(path).value();
    auto count = db.prepare("SELECT count(*) FROM trials");
    if (!count) {
      return 0; // not even the schema is in the file yet
    }
    auto row = count->step();
    return row && *row ? count->integer(0) : 0;
  };
  CHECK(copy_alone("before.db") == 0);
  REQUIRE(Store::checkpoint(f.db_path));
  CHECK(copy_alone("after.db") == 2);
  CHECK(f.store->load_run(f.run_id)->trials.size() == 2);
}
