#include <doctest/doctest.h>

#include <map>

#include "engine/trace_scoring.hpp"
#include "temp_dir.hpp"

using namespace evalgate;
using evalgate::testing::TempDir;

namespace {

TraceRecord span(const std::string& trace, const std::string& id, const std::string& parent, TraceKind kind)
{
  TraceRecord r;
  r.source_format = "otlp";
  r.source_file = "fake.jsonl";
  r.trace_id = trace;
  r.span_id = id;
  r.parent_span_id = parent;
  r.kind = kind;
  r.status = TraceStatus::ok;
  return r;
}

// Ten traces: a root named after the route, a retrieval, an LLM call. Trace 3 answers without the
// keyword; trace 7's call failed.
std::map<std::string, std::vector<TraceRecord>> fake_files()
{
  std::map<std::string, std::vector<TraceRecord>> files;
  for (int i = 0; i < 10; ++i) {
    const std::string trace = "trace" + std::to_string(i);
    TraceRecord root = span(trace, "root", "", TraceKind::agent);
    root.name = i % 2 == 0 ? "/reset" : "/refunds";
    TraceRecord retrieval = span(trace, "ret", "root", TraceKind::retriever);
    retrieval.retrieved_context.push_back(
        {"kb-1042", "Reset links expire after 1 hour.", 0.9, 0, "ret", Json::object()});
    TraceRecord llm = span(trace, "llm", "root", TraceKind::llm);
    llm.name = "chat";
    llm.model = i < 5 ? "gpt-4o" : "claude";
    llm.input_text = "How do I reset my password?";
    llm.output_text = i == 3 ? "Sorry, no idea." : "Use the reset link.";
    llm.latency_ms = 100.0 * (i + 1);
    llm.cost_usd = 0.001;
    if (i == 7) {
      llm.status = TraceStatus::error;
      llm.output_text.clear();
    }
    // Spans of one trace spread over two files, as exports do.
    files["a.jsonl"].push_back(root);
    files["b.jsonl"].push_back(retrieval);
    files["b.jsonl"].push_back(llm);
  }
  return files;
}

// Joins retrieval context into the LLM calls of a trace; the LLM calls are the units.
std::vector<TraceRecord> assemble(std::vector<TraceRecord> spans)
{
  std::vector<RetrievedDocument> context;
  for (const auto& s : spans) {
    context.insert(context.end(), s.retrieved_context.begin(), s.retrieved_context.end());
  }
  std::vector<TraceRecord> units;
  for (auto& s : spans) {
    if (s.kind == TraceKind::llm) {
      s.retrieved_context = context;
      units.push_back(std::move(s));
    }
  }
  return units;
}

struct FakeSource {
  std::map<std::string, std::vector<TraceRecord>> files = fake_files();
  int reads = 0;

  TraceSource source()
  {
    TraceSource s;
    s.read = [this](const std::string& path, const traces::ReadOptions&, const traces::RecordSink& on_record,
                    const traces::WarningSink& on_warning) -> Result<traces::FileReadSummary> {
      ++reads;
      auto found = files.find(path);
      if (found == files.end()) {
        return fail(ErrorCategory::data, "cannot read " + path);
      }
      if (path == "b.jsonl") {
        on_warning({Location{path, 0, 0, 99, ""}, "truncated line"});
      }
      traces::FileReadSummary summary;
      summary.path = path;
      summary.format = traces::TraceFormat::otlp;
      summary.detected = true;
      for (const auto& r : found->second) {
        TraceRecord copy = r;
        on_record(std::move(copy));
        ++summary.records;
      }
      return summary;
    };
    s.assemble = assemble;
    return s;
  }
};

Suite contains_suite(const std::vector<GateRule>& gate = {})
{
  Suite suite;
  suite.path = "traces.yaml";
  suite.evaluators.push_back(
      {"contains", "mentions-reset", Json{{"type", "contains"}, {"value", "reset"}}, {}});
  suite.gate = gate;
  return suite;
}

TraceScoreOptions options_in(const TempDir& dir)
{
  TraceScoreOptions options;
  options.files = {"a.jsonl", "b.jsonl"};
  options.db_path = dir.file("evalgate.db");
  options.cache_mode = CacheMode::off;
  return options;
}

} // namespace

TEST_CASE("traces score without a sampling rule reads the files once, scores every LLM call with its joined "
          "context and stores them")
{
  TempDir dir;
  FakeSource fake;
  auto outcome = score_traces(contains_suite(), options_in(dir), fake.source());
  REQUIRE_MESSAGE(outcome, (outcome ? "" : outcome.error().str()));
  CHECK(fake.reads == 2);
  CHECK(outcome->warning_count == 1);
  REQUIRE(outcome->warnings.size() == 1);
  CHECK(outcome->warnings[0].message == "truncated line");
  REQUIRE(outcome->units.size() == 10);
  int failed = 0;
  for (const auto& unit : outcome->units) {
    CHECK(unit.record.retrieved_context.size() == 1);
    CHECK(unit.record.sample.reason == "all");
    CHECK(unit.record.metadata[k_trace_route_key] ==
          (unit.record.trace_id.back() % 2 == 0 ? "/reset" : "/refunds"));
    if (unit.record.trace_id == "trace7") {
      CHECK(unit.scores.empty());
      continue;
    }
    REQUIRE(unit.scores.size() == 1);
    CHECK(unit.scores[0].metric == "mentions-reset");
    failed += unit.scores[0].pass ? 0 : 1;
  }
  CHECK(failed == 1);
  CHECK_FALSE(outcome->gated);

  auto store = TraceStore::open(dir.file("evalgate.db")).value();
  auto stored = store->load_import("latest");
  REQUIRE(stored);
  CHECK(stored->info.id == outcome->import_id);
  CHECK(stored->units.size() == 10);
  CHECK(stored->info.record_count == 30);
  CHECK(stored->info.warning_count == 1);
  CHECK(stored->info.summary["traces_seen"] == 10);
  CHECK(stored->info.format == "otlp");
  CHECK(stored->info.config["sampling"]["salt"] == traces::k_default_salt);
}

TEST_CASE("a --sample-rate is decided per record in one read, choosing what the two-pass sampler chooses")
{
  TempDir dir;
  FakeSource fake;
  TraceScoreOptions options = options_in(dir);
  options.sample.rate = 0.5;
  auto outcome = score_traces(contains_suite(), options, fake.source());
  REQUIRE_MESSAGE(outcome, (outcome ? "" : outcome.error().str()));
  CHECK(fake.reads == 2);
  CHECK(outcome->warning_count == 1);

  traces::TraceSampler two_pass(options.sample);
  for (const auto& [file, records] : fake_files()) {
    for (const auto& record : records) {
      two_pass.observe(record);
    }
  }
  const traces::SampleSelection expected = two_pass.select();
  REQUIRE(expected.sampled > 0);
  REQUIRE(expected.sampled < 10);
  REQUIRE(outcome->units.size() == static_cast<std::size_t>(expected.sampled));
  std::string previous;
  for (const auto& unit : outcome->units) {
    const auto& chosen = expected.chosen.at(unit.record.trace_id);
    CHECK(unit.record.sample.reason == "rate");
    CHECK(unit.record.sample.inclusion_prob == chosen.inclusion_prob);
    CHECK(unit.record.sample.u == chosen.u);
    CHECK(unit.record.retrieved_context.size() == 1);
    CHECK(unit.record.trace_id > previous); // trace-id order, as in two passes
    previous = unit.record.trace_id;
  }
  auto stored = TraceStore::open(dir.file("evalgate.db")).value()->load_import("latest");
  REQUIRE(stored);
  CHECK(stored->info.record_count == 30);
  CHECK(stored->info.summary["traces_seen"] == 10);
  CHECK(stored->info.summary["traces_eligible"] == 10);
  CHECK(stored->info.summary["traces_sampled"] == expected.sampled);
}

TEST_CASE("sampling rules that need the whole trace read the files twice")
{
  TempDir dir;
  FakeSource fake;
  TraceScoreOptions options = options_in(dir);
  options.sample.rate = 0.5;
  options.sample.always_errors = true;
  auto outcome = score_traces(contains_suite(), options, fake.source());
  REQUIRE_MESSAGE(outcome, (outcome ? "" : outcome.error().str()));
  CHECK(fake.reads == 4);
  CHECK(outcome->warning_count == 1);
}

TEST_CASE("the gate applies min_mean and min_p05 to trace metrics and fails on a low percentile")
{
  TempDir dir;
  FakeSource fake;
  GateRule mean_rule;
  mean_rule.metric = "mentions-reset";
  mean_rule.min_mean = 0.8;
  GateRule floor_rule;
  floor_rule.metric = "mentions-reset";
  floor_rule.min_p05 = 0.5;
  auto outcome = score_traces(contains_suite({mean_rule, floor_rule}), options_in(dir), fake.source());
  REQUIRE_MESSAGE(outcome, (outcome ? "" : outcome.error().str()));
  CHECK(outcome->gated);
  CHECK(outcome->gate_failed);
  auto stored = TraceStore::open(dir.file("evalgate.db")).value()->load_import("latest").value();
  CHECK(stored.info.verdict == "failed");
  REQUIRE(stored.info.gate.size() == 2);
  CHECK(stored.info.gate[0].passed);
  CHECK(stored.info.gate[0].message == "mentions-reset mean 0.889 >= 0.800 (traces)");
  CHECK_FALSE(stored.info.gate[1].passed);
  CHECK(stored.info.gate[1].message == "mentions-reset p05 0.400 < 0.500 (traces)");
}

TEST_CASE("--always errors forces failed traces in and the gate leaves them out")
{
  TempDir dir;
  FakeSource fake;
  TraceScoreOptions options = options_in(dir);
  options.sample.size = 2;
  options.sample.always_errors = true;
  GateRule rule;
  rule.metric = "mentions-reset";
  rule.max_p95_latency_ms = 10000;
  auto outcome = score_traces(contains_suite({rule}), options, fake.source());
  REQUIRE(outcome);
  int forced = 0;
  for (const auto& unit : outcome->units) {
    if (unit.record.sample.reason == "always:errors") {
      ++forced;
      CHECK(unit.record.trace_id == "trace7");
      CHECK(unit.record.sample.inclusion_prob == 1.0);
    } else {
      CHECK(unit.record.sample.reason == "bottom-k");
    }
  }
  CHECK(forced == 1);
  CHECK(outcome->units.size() == 3);
}

TEST_CASE("gate rules that cannot apply to traces are refused before reading")
{
  TempDir dir;
  FakeSource fake;
  GateRule rule;
  rule.metric = "mentions-reset";
  rule.max_drop = 0.05;
  rule.location = Location{"traces.yaml", 4, 5, 0, ""};
  auto outcome = score_traces(contains_suite({rule}), options_in(dir), fake.source());
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().str() ==
        "traces.yaml:4:5: gate rule for 'mentions-reset' uses max_drop, which traces score cannot apply (no "
        "baseline or repeats); use min_mean, min_pass_rate, min_p05, max_error_rate, max_p95_latency_ms or "
        "max_cost_usd");
  CHECK(fake.reads == 0);
}

TEST_CASE("an unreadable file stops traces score with the reader's error")
{
  TempDir dir;
  FakeSource fake;
  TraceScoreOptions options = options_in(dir);
  options.files.push_back("missing.jsonl");
  auto outcome = score_traces(contains_suite(), options, fake.source());
  REQUIRE_FALSE(outcome);
  CHECK(outcome.error().message == "cannot read missing.jsonl");
}
