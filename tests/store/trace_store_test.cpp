#include <doctest/doctest.h>

#include "store/trace_store.hpp"
#include "store_fixture.hpp"

using namespace evalgate;
using evalgate::test::TempDir;

namespace {

ScoredTraceUnit sample_unit()
{
  ScoredTraceUnit unit;
  TraceRecord& r = unit.record;
  r.source_format = "otlp";
  r.source_file = "export.jsonl";
  r.source_line = 3;
  r.trace_id = "7f3c9a1e5b2d48c6309e1f4b6d2c8e31";
  r.span_id = "b7ad6b7169203331";
  r.parent_span_id = "00f067aa0ba902b7";
  r.kind = TraceKind::llm;
  r.operation = "chat";
  r.name = "chat gpt-4o";
  r.model = "gpt-4o";
  r.provider = "openai";
  r.input_text = "How do I reset my password?";
  r.output_text = "Use the reset link; it is valid for 1 hour.";
  r.retrieved_context.push_back(
      {"kb-1042", "Reset links expire after 1 hour.", 0.91, 0, "a1", Json::object()});
  r.tokens_in = 812;
  r.tokens_out = 64;
  r.tokens_cache_read = 512;
  r.cost_usd = 0.0042;
  r.cost_source = "computed";
  r.latency_ms = 1234.5;
  r.ttft_ms = 210;
  r.status = TraceStatus::ok;
  r.session_id = "sess-1";
  r.user_id = "user-9";
  r.tags = {"prod"};
  r.metadata = {{"raw.app.route", "/reset"}};
  r.start_unix_nano = 1785585600LL * 1'000'000'000;
  r.sample = TraceSample{0.01, "rate", "", 0.0042};
  Score score;
  score.metric = "groundedness";
  score.value = 0.5;
  score.pass = false;
  score.threshold = 0.7;
  score.reason = "1 of 2 claims supported";
  score.cost_usd = 0.0001;
  score.details = {{"unsupported", {"valid for 1 hour"}}};
  unit.scores.push_back(score);
  Score errored;
  errored.metric = "contains";
  errored.error = "judge unreachable";
  unit.scores.push_back(errored);
  return unit;
}

} // namespace

TEST_CASE("a trace import round-trips its records, sampling decisions, context and scores")
{
  TempDir dir;
  auto store = TraceStore::open(dir.file("evalgate.db"));
  REQUIRE_MESSAGE(store, (store ? "" : store.error().str()));
  TraceImportInfo info;
  info.source_path = "export.jsonl";
  info.format = "otlp";
  info.record_count = 12;
  info.warning_count = 2;
  info.config = {{"salt", "s"}, {"sample_rate", 0.01}};
  info.summary = {{"traces_seen", 4}};
  info.verdict = "failed";
  info.gate.push_back({"groundedness", "all", "min_mean", 0.5, 0.8, false, "groundedness mean 0.50 < 0.80"});
  REQUIRE((*store)->save_import(info, {sample_unit()}));
  CHECK(info.id > 0);
  CHECK_FALSE(info.imported_at.empty());

  auto loaded = (*store)->load_import("latest");
  REQUIRE_MESSAGE(loaded, (loaded ? "" : loaded.error().str()));
  CHECK(loaded->info.id == info.id);
  CHECK(loaded->info.warning_count == 2);
  CHECK(loaded->info.config["sample_rate"] == 0.01);
  CHECK(loaded->info.summary["traces_seen"] == 4);
  CHECK(loaded->info.verdict == "failed");
  REQUIRE(loaded->info.gate.size() == 1);
  CHECK(loaded->info.gate[0].message == "groundedness mean 0.50 < 0.80");
  CHECK(loaded->info.gate[0].candidate_id == "all");
  REQUIRE(loaded->units.size() == 1);
  const TraceRecord& r = loaded->units[0].record;
  const TraceRecord expected = sample_unit().record;
  CHECK(r.trace_id == expected.trace_id);
  CHECK(r.span_id == expected.span_id);
  CHECK(r.parent_span_id == expected.parent_span_id);
  CHECK(r.kind == TraceKind::llm);
  CHECK(r.operation == "chat");
  CHECK(r.model == "gpt-4o");
  CHECK(r.provider == "openai");
  CHECK(r.input_text == expected.input_text);
  CHECK(r.output_text == expected.output_text);
  REQUIRE(r.retrieved_context.size() == 1);
  CHECK(r.retrieved_context[0].doc_id == "kb-1042");
  CHECK(r.retrieved_context[0].content == "Reset links expire after 1 hour.");
  CHECK(r.retrieved_context[0].score == doctest::Approx(0.91));
  CHECK(r.tokens_in == 812);
  CHECK(r.tokens_out == 64);
  CHECK_FALSE(r.tokens_total.has_value());
  CHECK(r.tokens_cache_read == 512);
  CHECK(r.cost_usd == doctest::Approx(0.0042));
  CHECK(r.cost_source == "computed");
  CHECK(r.latency_ms == doctest::Approx(1234.5));
  CHECK(r.ttft_ms == doctest::Approx(210));
  CHECK(r.status == TraceStatus::ok);
  CHECK(r.session_id == "sess-1");
  CHECK(r.user_id == "user-9");
  CHECK(r.tags == std::vector<std::string>{"prod"});
  CHECK(r.metadata["raw.app.route"] == "/reset");
  CHECK(r.start_unix_nano == expected.start_unix_nano);
  CHECK(r.sample.inclusion_prob == 0.01);
  CHECK(r.sample.reason == "rate");
  CHECK(r.sample.u == 0.0042);
  CHECK(r.source_format == "otlp");
  CHECK(r.source_file == "export.jsonl");
  CHECK(r.source_line == 3);
  const auto& scores = loaded->units[0].scores;
  REQUIRE(scores.size() == 2);
  CHECK(scores[0].metric == "groundedness");
  CHECK(scores[0].value == 0.5);
  CHECK_FALSE(scores[0].pass);
  CHECK(scores[0].threshold == 0.7);
  CHECK(scores[0].reason == "1 of 2 claims supported");
  CHECK(scores[0].details["unsupported"][0] == "valid for 1 hour");
  CHECK(scores[1].error == "judge unreachable");
}

TEST_CASE("an unknown trace import id is a usage error naming the database")
{
  TempDir dir;
  const std::string path = dir.file("evalgate.db");
  auto store = TraceStore::open(path).value();
  auto loaded = store->load_import("7");
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().category == ErrorCategory::usage);
  CHECK(loaded.error().message == "no trace import '7' in " + path);
}
