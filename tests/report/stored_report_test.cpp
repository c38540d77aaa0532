// The aggregate-only reports (terminal table, gate) computed from a store scan must equal, byte
// for byte, what the whole run loaded into memory gives: `evalgate run` and `show` take the scan.

#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include <unistd.h>

#include "report/report.hpp"
#include "stats/run_digest.hpp"
#include "stats/run_stats.hpp"
#include "stats/summary.hpp"
#include "store/store.hpp"
#include "store/trial_writer.hpp"

using namespace evalgate;

namespace {

class ScratchDb {
public:
  ScratchDb()
  {
    static int counter = 0;
    m_dir = std::filesystem::temp_directory_path() /
            ("evalgate-stored-report-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
  }
  ~ScratchDb()
  {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;
  std::string path() const { return (m_dir / "runs.db").string(); }

private:
  std::filesystem::path m_dir;
};

Score score(std::string metric, double value, bool pass, double cost = 0, std::string error = {})
{
  Score s;
  s.metric = std::move(metric);
  s.value = value;
  s.pass = pass;
  s.reason = "a reason the reports that aggregate never read";
  s.cost_usd = cost;
  s.error = std::move(error);
  return s;
}

// 2 candidates (+1 not in the run's info) x 6 cases x 3 repeats, with flaky cases, failed trials,
// errored scores (one message with a newline), unknown costs and judge costs, written in an order
// unlike the store's so the scan's ordering is what is tested.
std::string write_stored_run(Store& store, const std::string& db_path, bool with_ghost = true)
{
  RunInfo info;
  info.suite_name = "stored-report";
  info.seed = 11;
  info.repeat = 3;
  info.candidates = {{"p/a", "p", "a"}, {"p/b", "p", "b"}};
  std::vector<Case> cases;
  for (int i = 0; i < 6; ++i) {
    Case c;
    c.id = "case-" + std::to_string(5 - i); // suite order is not id order
    c.dataset = "cases.jsonl";
    c.row = i + 1;
    cases.push_back(std::move(c));
  }
  REQUIRE(store.create_run(info, cases));
  std::vector<ScoredTrial> trials;
  int n = 0;
  for (const std::string candidate : {"p/a", "p/b", "p/ghost"}) {
    if (candidate == "p/ghost" && !with_ghost) {
      continue;
    }
    for (const Case& c : cases) {
      for (int r = 0; r < 3; ++r, ++n) {
        ScoredTrial t;
        t.trial.candidate_id = candidate;
        t.trial.case_id = c.id;
        t.trial.repeat_index = r;
        t.trial.output = "an output the aggregate reports never read " + std::to_string(n);
        t.trial.latency_ms = 40.0 + (n * 37) % 101 + 0.1 * r;
        t.trial.usage = {100 + n, 20 + n % 7, 120 + n + n % 7, 0};
        t.trial.attempts = 1;
        if (n % 5 != 0) {
          t.trial.cost_usd = 0.0001 * (n % 9);
        }
        if (n % 11 == 4) {
          t.trial.failure = n % 2 == 0 ? FailureKind::rate_limited : FailureKind::timeout;
          t.trial.error = n % 2 == 0 ? "HTTP 429: slow down" : "timed out\nafter 2000 ms";
          trials.push_back(std::move(t));
          continue;
        }
        const double v = ((n * 7919) % 1000) / 1000.0;
        t.scores.push_back(score("contains", (n + r) % 3 == 0 ? 0 : 1, (n + r) % 3 != 0));
        t.scores.push_back(score("similarity", v, v >= 0.4, 0.00002 * (n % 4)));
        if (n % 13 == 6) {
          t.scores.push_back(
              score("rubric", 0, false, 0.001, n % 2 == 0 ? "judge: not JSON" : "judge:\nnot JSON"));
        } else {
          t.scores.push_back(score("rubric", v * v, v * v > 0.25, 0.001));
        }
        trials.push_back(std::move(t));
      }
    }
  }
  auto writer = TrialWriter::start(db_path, info.id);
  REQUIRE(writer);
  for (std::size_t i = 0; i < trials.size(); ++i) {
    (*writer)->push(trials[(i * 7) % trials.size()]); // 7 is coprime with 54 and 36: every trial once
  }
  REQUIRE((*writer)->finish());
  REQUIRE(store.set_run_status(info.id, RunStatus::completed));
  return info.id;
}

DigestedRun scan(Store& store, const std::string& id)
{
  auto header = store.load_run_header(id);
  REQUIRE(header);
  RunDigest digest(header->info);
  auto scanned = store.scan_trials(id, [&](const ScoredTrial& t) -> Result<void> {
    digest.add(t);
    return {};
  });
  REQUIRE(scanned);
  return DigestedRun{std::move(header).value(), std::move(digest)};
}

std::vector<GateRule> rules()
{
  std::vector<GateRule> out(5);
  out[0].metric = "contains";
  out[0].min_pass_rate = 0.6;
  out[0].max_error_rate = 0.05;
  out[1].metric = "similarity";
  out[1].min_mean = 0.45;
  out[1].max_flaky_rate = 0.2;
  out[2].metric = "rubric";
  out[2].max_drop = 0.01;
  out[3].max_p95_latency_ms = 120;
  out[4].max_cost_usd = 0.01;
  out[4].candidate = "p/a";
  return out;
}

std::string gate_text(const GateVerdict& verdict)
{
  std::string out = verdict.passed ? "pass\n" : "fail\n";
  for (const GateResult& r : verdict.results) {
    out += r.check + " " + r.candidate_id + " " + (r.passed ? "ok " : "FAIL ") + r.message + "\n";
  }
  return out;
}

} // namespace

TEST_CASE("the terminal report of a scanned run equals the whole run's byte for byte")
{
  ScratchDb db;
  auto store = Store::open(db.path());
  REQUIRE(store);
  const std::string id = write_stored_run(**store, db.path());
  auto whole = (*store)->load_run(id);
  REQUIRE(whole);
  const DigestedRun scanned = scan(**store, id);

  TerminalOptions options;
  options.db_path = "runs.db";
  std::ostringstream from_whole;
  write_terminal_report(from_whole, *whole, options);
  std::ostringstream from_scan;
  write_terminal_report(from_scan, scanned, options);
  CHECK(from_scan.str() == from_whole.str());
  // Everything the table shows is really there: intervals, flaky cases, percentiles, errors.
  const std::string text = from_scan.str();
  CHECK(text.find("54/36 trials") != std::string::npos); // the ghost candidate was not planned
  CHECK(text.find("flaky cases") != std::string::npos);
  CHECK(text.find("latency p50/p95/p99") != std::string::npos);
  CHECK(text.find("rubric score: judge: not JSON") != std::string::npos);
  CHECK(text.find("p/ghost") != std::string::npos);
}

TEST_CASE("the summaries, statistics and gate of a scanned run equal the whole run's")
{
  ScratchDb db;
  auto store = Store::open(db.path());
  REQUIRE(store);
  const std::string id = write_stored_run(**store, db.path());
  auto whole = (*store)->load_run(id);
  REQUIRE(whole);
  const DigestedRun scanned = scan(**store, id);
  const RunDigest& digest = scanned.digest;

  CHECK(digest.trial_count() == static_cast<std::int64_t>(whole->trials.size()));
  CHECK(digest.candidate_order() == candidate_order(*whole));
  const auto metrics = summarize_metrics(*whole);
  const auto scanned_metrics = digest.metric_summaries();
  REQUIRE(scanned_metrics.size() == metrics.size());
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    CHECK(scanned_metrics[i].mean == metrics[i].mean); // exact: same values summed in the same order
    CHECK(scanned_metrics[i].n == metrics[i].n);
  }
  const auto stats = metric_stats(*whole);
  const auto scanned_stats = digest.metric_stats();
  REQUIRE(scanned_stats.size() == stats.size());
  for (std::size_t i = 0; i < stats.size(); ++i) {
    CHECK(scanned_stats[i].mean_interval.low == stats[i].mean_interval.low);
    CHECK(scanned_stats[i].mean_interval.high == stats[i].mean_interval.high);
    CHECK(scanned_stats[i].mean_stddev == stats[i].mean_stddev);
    CHECK(scanned_stats[i].flaky_cases == stats[i].flaky_cases);
  }
  CHECK(stats.at(0).mean_stddev > 0); // repeats disagree: the stddev path is exercised

  const CaseTable baseline = case_table(*whole);
  // A baseline read from the digest (what --baseline RUN uses) has the same values.
  const CaseTable from_digest = digest.case_table();
  CHECK(from_digest.source == baseline.source);
  CHECK(from_digest.seed == baseline.seed);
  REQUIRE(from_digest.candidates.size() == baseline.candidates.size());
  for (const auto& [candidate, base_metrics] : baseline.candidates) {
    REQUIRE(from_digest.candidates.count(candidate) == 1);
    const MetricCases& got = from_digest.candidates.at(candidate);
    REQUIRE(got.size() == base_metrics.size());
    for (const auto& [metric, cases] : base_metrics) {
      REQUIRE(got.at(metric).size() == cases.size());
      for (const auto& [case_id, want] : cases) {
        const CaseValue& v = got.at(metric).at(case_id);
        CHECK(v.value == want.value);
        CHECK(v.pass == want.pass);
        CHECK(v.scored == want.scored);
        CHECK(v.passes == want.passes);
        CHECK(v.errors == want.errors);
      }
    }
  }
  GateOptions options;
  options.baseline = &baseline;
  const std::string from_whole = gate_text(evaluate_gate(rules(), *whole, options));
  const std::string from_scan = gate_text(evaluate_gate(rules(), digest, options));
  CHECK(from_scan == from_whole);
  CHECK(from_scan.find("flaky rate") != std::string::npos);
  CHECK(from_scan.find("p95 latency") != std::string::npos);
  CHECK(from_scan.find("drop vs baseline") != std::string::npos);
}

TEST_CASE("the JSON report with trials streamed from the store equals the whole run's byte for byte")
{
  ScratchDb db;
  auto store = Store::open(db.path());
  REQUIRE(store);
  const std::string id = write_stored_run(**store, db.path());
  REQUIRE(
      (*store)->save_gate(id, "fail", {GateResult{"contains", "p/a", "min_mean", 0.5, 0.9, false, "low"}}));
  auto whole = (*store)->load_run(id);
  REQUIRE(whole);
  const DigestedRun scanned = scan(**store, id);
  std::ostringstream from_whole;
  write_json_report(from_whole, *whole);
  std::ostringstream streamed;
  REQUIRE(stream_json_report(streamed, scanned, **store));
  CHECK(streamed.str() == from_whole.str());
  // The streamed trials carry what the aggregate scan leaves out.
  const Json parsed = Json::parse(streamed.str());
  CHECK(parsed["trials"].size() == 54);
  CHECK(parsed["trials"][0]["output"].get<std::string>().rfind("an output", 0) == 0);
  CHECK(parsed["trials"][0]["scores"][0]["reason"] == "a reason the reports that aggregate never read");
}

TEST_CASE("the streamed JSON report of a run without trials equals the whole run's")
{
  ScratchDb db;
  auto store = Store::open(db.path());
  REQUIRE(store);
  RunInfo info;
  info.suite_name = "empty";
  info.candidates = {{"p/a", "p", "a"}};
  REQUIRE((*store)->create_run(info, {}));
  auto whole = (*store)->load_run(info.id);
  REQUIRE(whole);
  std::ostringstream from_whole;
  write_json_report(from_whole, *whole);
  std::ostringstream streamed;
  REQUIRE(stream_json_report(streamed, scan(**store, info.id), **store));
  CHECK(streamed.str() == from_whole.str());
  CHECK(streamed.str().find("\"trials\": []") != std::string::npos);
}

TEST_CASE("the CSV, JUnit and Markdown reports streamed from the store equal the whole run's byte for byte")
{
  // Without the unlisted candidate the rows stream in store order; with it the report falls back
  // to grouping the whole run in memory. Both must match.
  for (const bool with_ghost : {false, true}) {
    CAPTURE(with_ghost);
    ScratchDb db;
    auto store = Store::open(db.path());
    REQUIRE(store);
    const std::string id = write_stored_run(**store, db.path(), with_ghost);
    CHECK(*(*store)->unlisted_trials(id) == (with_ghost ? 18 : 0));
    REQUIRE(
        (*store)->save_gate(id, "fail", {GateResult{"contains", "p/a", "min_mean", 0.5, 0.9, false, "low"}}));
    auto whole = (*store)->load_run(id);
    REQUIRE(whole);
    const DigestedRun scanned = scan(**store, id);

    std::ostringstream csv_whole;
    write_csv_report(csv_whole, *whole);
    std::ostringstream csv_streamed;
    REQUIRE(stream_csv_report(csv_streamed, scanned, **store));
    CHECK(csv_streamed.str() == csv_whole.str());
    CHECK(csv_streamed.str().find("an output the aggregate reports never read") != std::string::npos);

    std::ostringstream junit_whole;
    write_junit_report(junit_whole, *whole);
    std::ostringstream junit_streamed;
    REQUIRE(stream_junit_report(junit_streamed, scanned, **store));
    CHECK(junit_streamed.str() == junit_whole.str());

    std::ostringstream md_whole;
    write_markdown_report(md_whole, *whole);
    std::ostringstream md_streamed;
    REQUIRE(stream_markdown_report(md_streamed, scanned, **store));
    CHECK(md_streamed.str() == md_whole.str());
    CHECK(md_streamed.str().find("Failing scores (10 of ") != std::string::npos);
  }
}

TEST_CASE("a streamed JUnit report keeps a candidate without trials as an empty test suite in its place")
{
  ScratchDb db;
  auto store = Store::open(db.path());
  REQUIRE(store);
  RunInfo info;
  info.suite_name = "gaps";
  info.started_at = "2024-05-01T10:00:00Z";
  info.candidates = {{"p/none", "p", "none"}, {"p/a", "p", "a"}, {"p/idle", "p", "idle"}};
  Case c;
  c.id = "only";
  REQUIRE((*store)->create_run(info, {c}));
  ScoredTrial t;
  t.trial.candidate_id = "p/a";
  t.trial.case_id = "only";
  t.trial.latency_ms = 1234.5;
  t.trial.output = "<b>";
  t.scores.push_back(score("contains", 0, false));
  auto writer = TrialWriter::start(db.path(), info.id);
  REQUIRE(writer);
  (*writer)->push(t);
  REQUIRE((*writer)->finish());
  auto whole = (*store)->load_run(info.id);
  REQUIRE(whole);
  std::ostringstream from_whole;
  write_junit_report(from_whole, *whole);
  std::ostringstream streamed;
  REQUIRE(stream_junit_report(streamed, scan(**store, info.id), **store));
  CHECK(streamed.str() == from_whole.str());
  CHECK(streamed.str().find("<testsuite name=\"p/none\" tests=\"0\"") != std::string::npos);
  CHECK(streamed.str().find("<testsuite name=\"p/idle\" tests=\"0\"") != std::string::npos);
}
