#include <doctest/doctest.h>

#include <map>
#include <tuple>

#include "harness.hpp"
#include "stored_run.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

using Key = std::tuple<std::string, std::string, int>;

std::map<Key, const ScoredTrial*> by_key(const RunData& run)
{
  std::map<Key, const ScoredTrial*> out;
  for (const auto& t : run.trials) {
    out[{t.trial.candidate_id, t.trial.case_id, t.trial.repeat_index}] = &t;
  }
  return out;
}

} // namespace

TEST_CASE("three shards merged equal the unsharded run, case for case and score for score")
{
  SuiteShape shape;
  shape.cases = 10;
  Harness h({}, shape);
  const std::string whole = h.dir().file("whole.db");
  REQUIRE(h.evalgate({"run", "--db", whole, "--no-progress"}).exit_code == 1);
  std::vector<std::string> merge_args = {"merge", h.dir().file("merged.db")};
  for (int i = 1; i <= 3; ++i) {
    const std::string db = h.dir().file("shard" + std::to_string(i) + ".db");
    auto r = h.evalgate({"run", "--db", db, "--no-progress", "--shard", std::to_string(i) + "/3"});
    INFO(r.err);
    CHECK((r.exit_code == 0 || r.exit_code == 1));
    merge_args.push_back(db);
  }
  // Shard order on the command line does not matter.
  std::swap(merge_args[2], merge_args[4]);
  auto merged = h.evalgate(merge_args);
  INFO(merged.err);
  REQUIRE(merged.exit_code == 0);
  CHECK(merged.out.find("merged 3 shards into run ") == 0);
  CHECK(merged.out.find("(10 cases, 20 trials)") != std::string::npos);

  const RunData a = latest_run(whole);
  const RunData b = latest_run(h.dir().file("merged.db"));
  CHECK(b.info.status == RunStatus::completed);
  REQUIRE(a.cases.size() == b.cases.size());
  for (std::size_t i = 0; i < a.cases.size(); ++i) {
    CHECK(a.cases[i].id == b.cases[i].id);
  }
  const auto ta = by_key(a);
  const auto tb = by_key(b);
  REQUIRE(ta.size() == tb.size());
  for (const auto& [key, trial] : ta) {
    REQUIRE(tb.count(key) == 1);
    const ScoredTrial& other = *tb.at(key);
    CHECK(trial->trial.output == other.trial.output);
    REQUIRE(trial->scores.size() == other.scores.size());
    for (std::size_t s = 0; s < trial->scores.size(); ++s) {
      CHECK(trial->scores[s].metric == other.scores[s].metric);
      CHECK(trial->scores[s].value == other.scores[s].value);
      CHECK(trial->scores[s].pass == other.scores[s].pass);
    }
  }
}

TEST_CASE("merge refuses a missing or repeated shard and a run that was not sharded")
{
  SuiteShape shape;
  shape.cases = 4;
  Harness h({}, shape);
  const std::string s1 = h.dir().file("s1.db");
  const std::string s2 = h.dir().file("s2.db");
  const std::string plain = h.dir().file("plain.db");
  h.evalgate({"run", "--db", s1, "--no-progress", "--shard", "1/2"});
  h.evalgate({"run", "--db", s2, "--no-progress", "--shard", "2/2"});
  h.evalgate({"run", "--db", plain, "--no-progress"});

  auto missing = h.evalgate({"merge", h.dir().file("m1.db"), s1});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "evalgate: shard 2/2 is missing: pass every shard's database\n");
  auto twice = h.evalgate({"merge", h.dir().file("m2.db"), s1, s1});
  CHECK(twice.exit_code == 2);
  CHECK(twice.err == "evalgate: " + s1 + ": is shard 1/2, as is " + s1 + "\n");
  auto unsharded = h.evalgate({"merge", h.dir().file("m3.db"), plain});
  CHECK(unsharded.exit_code == 2);
  CHECK(unsharded.err.find(plain + ": run ") != std::string::npos);
  CHECK(unsharded.err.find(" was not run with --shard I/N") != std::string::npos);
}
