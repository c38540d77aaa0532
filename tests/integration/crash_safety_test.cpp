// Crash safety: `evalgate run` killed with SIGKILL at random points and resumed until done ends
// with exactly the trials and scores of a run that was never interrupted, and the database passes
// SQLite's integrity check after every kill. Kills are triggered by what the child has done (the
// mock's request count) or by a random delay, never by a fixed sleep that assumes a fast machine.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include "child_process.hpp"
#include "harness.hpp"
#include "store/store.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

using Key = std::tuple<std::string, std::string, int>;

// What a run produced, independent of timing and caching: output, failure and scores per trial.
std::map<Key, std::string> result_set(const std::string& db)
{
  auto store = Store::open(db);
  REQUIRE(store);
  auto id = (*store)->resolve_run_id("latest");
  REQUIRE(id);
  auto run = (*store)->load_run(*id);
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

bool has_run(const std::string& db)
{
  if (!std::filesystem::exists(db)) {
    return false;
  }
  SqlProbe sql(db);
  return sql.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'runs'") == "1" &&
         sql.scalar("SELECT count(*) FROM runs") != "0";
}

// Trials committed so far, read while the child may be writing (WAL readers never block the
// writer); -1 while the database or its tables do not exist yet or are locked by the schema setup.
long stored_trials(const std::string& db)
{
  sqlite3* handle = nullptr;
  long count = -1;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(handle, "SELECT count(*) FROM trials", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(handle);
  return count;
}

std::int64_t mock_requests(Harness& h)
{
  return h.mock_stats().value("requests", std::int64_t{0});
}

constexpr int k_cases = 40;
constexpr int k_repeat = 2;
constexpr int k_trials = k_cases * 2 * k_repeat;

} // namespace

TEST_CASE(
    "a run killed with SIGKILL at random points and resumed each time ends equal to an uninterrupted run")
{
  MockOptions mock;
  mock.latency_ms = 10; // a run lasts several of the writer's 200 ms commits
  SuiteShape shape;
  shape.cases = k_cases;
  shape.concurrency = 2;
  Harness h(mock, shape);
  std::ofstream(h.suite(), std::ios::app) << "repeat: " << k_repeat << "\n";

  auto full = h.evalgate({"run", "--db", h.dir().file("full.db"), "--no-progress"});
  INFO(full.err);
  REQUIRE(full.exit_code == 1); // the "bad" candidate misses every third case
  const auto expected = result_set(h.dir().file("full.db"));
  REQUIRE(expected.size() == k_trials);

  const std::vector<std::string> env = {"EVALGATE_MOCK_PORT=" + std::to_string(h.mock().port())};
  for (const unsigned seed : {11U, 23U, 47U}) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    const std::string db = h.dir().file("seed-" + std::to_string(seed) + ".db");
    int kills = 0;
    std::string stored_at_kills; // trials stored when each kill landed; "-" = before the run existed
    int final_code = -1;
    for (int round = 0; final_code < 0; ++round) {
      std::vector<std::string> args = {EVALGATE_BIN, "run", "--db", db, "--no-progress"};
      if (has_run(db)) {
        args.insert(args.end(), {"--resume", "latest"});
      }
      const std::int64_t before = mock_requests(h);
      const long stored_before = std::max(0L, stored_trials(db));
      // Where the kill lands: (0) a few requests after a random number of further trials (within
      // the first two thirds of what is left) were committed, so mid-batch with earlier batches
      // durable; (1) after a random number of requests; (2) after a random delay, which may hit
      // start-up (suite loading, run creation) or a resumed run's end.
      const unsigned draw = rng() % 4;
      // The first round always dies: with no cache yet it must make all its requests to finish.
      const unsigned mode = round == 0 ? 1 : draw >= 2 ? 0 : draw;
      const long remaining = k_trials - stored_before;
      const long after_stored =
          stored_before + 1 +
          static_cast<long>(rng() % static_cast<unsigned>(std::max(1L, remaining * 2 / 3)));
      const std::int64_t after_requests =
          1 + static_cast<std::int64_t>(rng() % static_cast<unsigned>(std::max(1L, remaining - 1)));
      const std::int64_t extra_requests = static_cast<std::int64_t>(rng() % 16);
      const auto delay = std::chrono::milliseconds(rng() % 400);
      const bool kill_this_round = kills < 4;
      ChildProcess child(args, h.dir().path().string(), env, h.dir().file("round"));
      const auto start = std::chrono::steady_clock::now();
      std::int64_t committed_at = -1; // mock requests when `after_stored` trials were committed
      while (!child.exited()) {
        bool due = false;
        if (mode == 0) {
          if (committed_at < 0 && stored_trials(db) >= after_stored) {
            committed_at = mock_requests(h);
          }
          due = committed_at >= 0 && mock_requests(h) - committed_at >= extra_requests;
        } else if (mode == 1) {
          due = mock_requests(h) - before >= after_requests;
        } else {
          due = std::chrono::steady_clock::now() - start >= delay;
        }
        if (kill_this_round && due) {
          child.kill_now();
          break;
        }
        REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(60));
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      const int code = child.wait();
      INFO("round " << round << " exit " << code << ": " << child.err());
      if (code == 128 + SIGKILL) {
        ++kills;
        stored_at_kills +=
            " " + (has_run(db) ? SqlProbe(db).scalar("SELECT count(*) FROM trials") : std::string("-"));
        if (std::filesystem::exists(db)) {
          CHECK(store_damage(db, 1) == "");
        }
        continue;
      }
      REQUIRE(code == full.exit_code);
      final_code = code;
    }
    MESSAGE("seed " << seed << ": " << kills
                    << " kills before the run completed; trials stored at each kill:" << stored_at_kills);
    CHECK(kills >= 1);
    CHECK(store_damage(db, 1) == "");
    CHECK(result_set(db) == expected);
    SqlProbe sql(db);
    CHECK(sql.scalar("SELECT count(*) FROM runs") == "1");
    CHECK(sql.scalar("SELECT count(*) FROM trials") == std::to_string(k_trials));
    CHECK(sql.scalar("SELECT status || ' ' || verdict FROM runs") == "completed fail");
  }
}
