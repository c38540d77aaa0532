#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <tuple>

#include "harness.hpp"
#include "store/store.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

using Key = std::tuple<std::string, std::string, int>;

// What a run produced, independent of timing: output and scores per trial.
std::map<Key, std::string> result_set(const std::string& db, const std::string& run_id)
{
  auto store = Store::open(db);
  REQUIRE(store);
  auto run = (*store)->load_run(run_id);
  REQUIRE(run);
  std::map<Key, std::string> out;
  for (const auto& t : run->trials) {
    std::string summary = t.trial.output + "|" + failure_kind_name(t.trial.failure);
    for (const auto& s : t.scores) {
      summary += "|" + s.metric + "=" + std::to_string(s.value) + (s.pass ? "P" : "F");
    }
    out[Key{t.trial.candidate_id, t.trial.case_id, t.trial.repeat_index}] = summary;
  }
  return out;
}

std::string latest_id(const std::string& db)
{
  auto store = Store::open(db);
  REQUIRE(store);
  auto id = (*store)->resolve_run_id("latest");
  REQUIRE(id);
  return *id;
}

} // namespace

TEST_CASE("an interrupted run exits 130 and resumes to the same result set as an uninterrupted run")
{
  MockOptions mock;
  mock.latency_ms = 25;
  SuiteShape shape;
  shape.cases = 60;
  shape.concurrency = 4;
  Harness h(mock, shape);

  auto full = h.evalgate({"run", "--db", h.dir().file("full.db"), "--no-progress"});
  REQUIRE(full.exit_code == 1);
  const auto expected = result_set(h.dir().file("full.db"), latest_id(h.dir().file("full.db")));
  REQUIRE(expected.size() == 120);

  ProcessOptions interrupt;
  interrupt.signal_after_ms = 300;
  auto first = h.evalgate({"run", "--db", h.db(), "--no-progress"}, interrupt);
  INFO(first.err);
  REQUIRE(first.exit_code == 130);
  CHECK(first.err.find("--resume") != std::string::npos);
  const std::string run_id = latest_id(h.db());
  const auto partial = result_set(h.db(), run_id);
  CHECK(partial.size() > 0);
  CHECK(partial.size() < 120);
  {
    auto store = Store::open(h.db());
    REQUIRE(store);
    CHECK((*store)->load_run(run_id)->info.status == RunStatus::interrupted);
  }

  auto resumed = h.evalgate({"run", "--resume", run_id, "--db", h.db(), "--no-progress"});
  INFO(resumed.err);
  CHECK(resumed.exit_code == full.exit_code);
  CHECK(latest_id(h.db()) == run_id);
  CHECK(result_set(h.db(), run_id) == expected);
}

TEST_CASE("Ctrl-C during long retry backoffs stops the run promptly")
{
  MockOptions mock;
  mock.faults = {{MockFault::http_500, 1.0}};
  SuiteShape shape;
  shape.cases = 10;
  shape.concurrency = 4;
  shape.retry_base_ms = 20000;
  Harness h(mock, shape);
  ProcessOptions interrupt;
  interrupt.signal_after_ms = 400;
  const auto start = std::chrono::steady_clock::now();
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"}, interrupt);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  INFO(r.err);
  CHECK(r.exit_code == 130);
  CHECK(elapsed < std::chrono::seconds(5));
}
