#include <doctest/doctest.h>

#include "store/store.hpp"
#include "store/trial_writer.hpp"
#include "store_fixture.hpp"

using namespace evalgate;
using evalgate::test::make_trial;
using evalgate::test::sample_cases;
using evalgate::test::sample_run_info;
using evalgate::test::TempDir;

namespace {

// A 2 x 3 x 2-repeat run written in reverse, one trial failed, scores with reasons and details.
std::string write_run(Store& store, const std::string& db_path)
{
  RunInfo info = sample_run_info(2);
  info.repeat = 2;
  const std::vector<Case> cases = sample_cases(3);
  REQUIRE(store.create_run(info, cases));
  std::vector<ScoredTrial> trials;
  for (const Candidate& c : info.candidates) {
    for (const Case& k : cases) {
      for (int r = 0; r < 2; ++r) {
        ScoredTrial t = make_trial(c.id, k.id, r);
        t.scores[0].details = Json{{"judge", "g-eval"}, {"steps", Json::array({"a", "b"})}};
        trials.push_back(std::move(t));
      }
    }
  }
  trials[3].trial.failure = FailureKind::timeout;
  trials[3].trial.error = "request timed out after 2000 ms";
  trials[3].scores.clear();
  trials[5].scores[1].error = "embedding call failed: HTTP 500";
  trials[6].scores[0].details = Json::object();
  trials[6].scores[1].threshold.reset();
  trials[6].scores[1].reason.clear();
  auto writer = TrialWriter::start(db_path, info.id);
  REQUIRE(writer);
  for (std::size_t i = trials.size(); i-- > 0;) {
    (*writer)->push(trials[i]);
  }
  REQUIRE((*writer)->finish());
  return info.id;
}

} // namespace

TEST_CASE("a trial scan visits load_run's trials in its order without outputs, reasons or details")
{
  TempDir dir;
  const std::string db_path = dir.file("evalgate.db");
  auto store = Store::open(db_path);
  REQUIRE(store);
  const std::string id = write_run(**store, db_path);
  auto whole = (*store)->load_run(id);
  REQUIRE(whole);
  REQUIRE(whole->trials.size() == 12);

  std::size_t i = 0;
  auto scanned = (*store)->scan_trials(id, [&](const ScoredTrial& got) -> Result<void> {
    REQUIRE(i < whole->trials.size());
    const ScoredTrial& want = whole->trials[i++];
    // The fields that grow with the model's text are never read ...
    CHECK(got.trial.output.empty());
    for (const Score& s : got.scores) {
      CHECK(s.reason.empty());
      CHECK(s.details == Json::object());
      CHECK_FALSE(s.threshold.has_value());
    }
    // ... everything an aggregate needs is, exactly as load_run reads it.
    CHECK(got.trial.candidate_id == want.trial.candidate_id);
    CHECK(got.trial.case_id == want.trial.case_id);
    CHECK(got.trial.repeat_index == want.trial.repeat_index);
    CHECK(got.trial.latency_ms == want.trial.latency_ms);
    CHECK(got.trial.ttft_ms == want.trial.ttft_ms);
    CHECK(got.trial.usage.total_tokens == want.trial.usage.total_tokens);
    CHECK(got.trial.usage.prompt_tokens == want.trial.usage.prompt_tokens);
    CHECK(got.trial.cost_usd == want.trial.cost_usd);
    CHECK(got.trial.cache_hit == want.trial.cache_hit);
    CHECK(got.trial.failure == want.trial.failure);
    CHECK(got.trial.error == want.trial.error);
    REQUIRE(got.scores.size() == want.scores.size());
    for (std::size_t s = 0; s < got.scores.size(); ++s) {
      CHECK(got.scores[s].metric == want.scores[s].metric);
      CHECK(got.scores[s].value == want.scores[s].value);
      CHECK(got.scores[s].pass == want.scores[s].pass);
      CHECK(got.scores[s].cost_usd == want.scores[s].cost_usd);
      CHECK(got.scores[s].error == want.scores[s].error);
    }
    return {};
  });
  REQUIRE_MESSAGE(scanned, (scanned ? "" : scanned.error().str()));
  CHECK(i == 12);
  // load_run itself still reads everything.
  CHECK_FALSE(whole->trials[0].trial.output.empty());
  CHECK(whole->trials[0].scores[0].details.contains("judge"));
}

TEST_CASE("a full trial scan gives each trial its own scores in stored order, nothing left from the one before")
{
  // The scan reuses one trial's score slots for the next: a threshold, reason or details of one
  // trial must not show up in the next one's scores, and the order is position, not metric.
  TempDir dir;
  const std::string db_path = dir.file("evalgate.db");
  auto store = Store::open(db_path);
  REQUIRE(store);
  const std::string id = write_run(**store, db_path);
  auto whole = (*store)->load_run(id);
  REQUIRE(whole);
  std::size_t i = 0;
  auto scanned = (*store)->scan_trials(
    id,
    [&](const ScoredTrial& got) -> Result<void> {
      REQUIRE(i < whole->trials.size());
      const ScoredTrial& want = whole->trials[i++];
      CHECK(got.trial.output == want.trial.output);
      REQUIRE(got.scores.size() == want.scores.size());
      for (std::size_t s = 0; s < got.scores.size(); ++s) {
        CHECK(got.scores[s].metric == want.scores[s].metric);
        CHECK(got.scores[s].threshold == want.scores[s].threshold);
        CHECK(got.scores[s].reason == want.scores[s].reason);
        CHECK(got.scores[s].details == want.scores[s].details);
        CHECK(got.scores[s].error == want.scores[s].error);
      }
      return {};
    },
    Store::TrialFields::everything);
  REQUIRE_MESSAGE(scanned, (scanned ? "" : scanned.error().str()));
  CHECK(i == 12);
  CHECK(whole->trials[0].scores[0].metric == "contains"); // position 0, though it sorts after the other
}

TEST_CASE("a trial scan stops at the visitor's first error and returns it")
{
  TempDir dir;
  const std::string db_path = dir.file("evalgate.db");
  auto store = Store::open(db_path);
  REQUIRE(store);
  const std::string id = write_run(**store, db_path);
  int visited = 0;
  auto scanned = (*store)->scan_trials(id, [&](const ScoredTrial&) -> Result<void> {
    ++visited;
    return fail(ErrorCategory::data, "enough");
  });
  REQUIRE_FALSE(scanned);
  CHECK(scanned.error().message == "enough");
  CHECK(visited == 1);
}

TEST_CASE("a trial scan of an unknown run is a usage error naming the run")
{
  TempDir dir;
  const std::string db_path = dir.file("evalgate.db");
  auto store = Store::open(db_path);
  REQUIRE(store);
  auto scanned = (*store)->scan_trials("nope", [](const ScoredTrial&) -> Result<void> { return {}; });
  REQUIRE_FALSE(scanned);
  CHECK(scanned.error().category == ErrorCategory::usage);
  CHECK(scanned.error().message == "no run 'nope' in " + db_path + " (see `evalgate runs`)");
}

TEST_CASE("a run header has the info and gate results but no trials, and cases only when asked")
{
  TempDir dir;
  const std::string db_path = dir.file("evalgate.db");
  auto store = Store::open(db_path);
  REQUIRE(store);
  const std::string id = write_run(**store, db_path);
  REQUIRE(
      (*store)->save_gate(id, "pass", {GateResult{"contains", "v1/gpt", "min_mean", 1, 0.5, true, "ok"}}));
  auto header = (*store)->load_run_header(id);
  REQUIRE(header);
  CHECK(header->info.id == id);
  CHECK(header->info.verdict == "pass");
  CHECK(header->info.candidates.size() == 2);
  CHECK(header->gate_results.size() == 1);
  CHECK(header->trials.empty());
  CHECK(header->cases.empty());
  auto with_cases = (*store)->load_run_header(id, true);
  REQUIRE(with_cases);
  CHECK(with_cases->cases.size() == 3);
  CHECK(with_cases->trials.empty());
}
