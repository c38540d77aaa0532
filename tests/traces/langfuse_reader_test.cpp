#include <doctest/doctest.h>

#include "temp_dir.hpp"
#include "trace_read_support.hpp"

using namespace evalgate;
using namespace evalgate::testing;
using evalgate::traces::TraceFormat;

TEST_CASE("the Langfuse trace export is detected and every observation becomes a record")
{
  auto read = read_all(fixture("langfuse-observations.jsonl"));
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->format == TraceFormat::langfuse);
  CHECK(read.summary->detected);
  CHECK(read.summary->records == 8);
  CHECK(read.warnings.empty());
}

TEST_CASE("a Langfuse generation maps usage details, reported cost, latency and time to first token")
{
  auto read = read_all(fixture("langfuse-observations.jsonl"));
  const TraceRecord* generation = find_span(read.records, "e8a0c2b4d6f13957");
  REQUIRE(generation != nullptr);
  CHECK(generation->source_format == "langfuse");
  CHECK(generation->source_line == 1);
  CHECK(generation->trace_id == "0c7e3a5b9d1f4286a4c6e8f0b2d4a6c8");
  CHECK(generation->parent_span_id == "6b8d0f2a4c1e3957");
  CHECK(generation->kind == TraceKind::llm);
  CHECK(generation->operation == "GENERATION");
  CHECK(generation->model == "gpt-4.1-mini-2025-04-14");
  CHECK(generation->provider == "openai");
  // usageDetails: input 356 + input_cached_tokens 128 (tokens_in includes cached reads).
  CHECK(generation->tokens_in == 484);
  CHECK(generation->tokens_out == 58);
  CHECK(generation->tokens_total == 542);
  CHECK(generation->tokens_cache_read == 128);
  CHECK(generation->cost_source == "reported");
  CHECK(*generation->cost_usd == doctest::Approx(0.000248));
  CHECK(*generation->latency_ms == doctest::Approx(1906.0));
  CHECK(*generation->ttft_ms == doctest::Approx(519.0));
  CHECK(generation->system_instructions.rfind("You are Northwind Cloud's support assistant.", 0) == 0);
  CHECK(generation->input_text.rfind("Context:\n[kb-0877]", 0) == 0);
  CHECK(generation->output_text.rfind("Sign in with one of the ten single-use recovery codes", 0) == 0);
  CHECK(generation->session_id == "sess_4e9a1c07");
  CHECK(generation->user_id == "u_91b2e6");
  CHECK(generation->tags == std::vector<std::string>{"support", "rag"});
  CHECK(generation->metadata.at("raw.route") == "/support/chat");
  CHECK(generation->metadata.at("raw.prompt") == "support-answer@7");
  CHECK(generation->status == TraceStatus::ok);
}

TEST_CASE("the Langfuse root observation carries the trace's question, answer and scores")
{
  auto read = read_all(fixture("langfuse-observations.jsonl"));
  const TraceRecord* root = find_span(read.records, "1d3f5b7a9c0e2468");
  REQUIRE(root != nullptr);
  CHECK(root->kind == TraceKind::agent);
  CHECK(root->input_text == "Does the workspace data export include projects that were deleted?");
  CHECK(root->output_text.rfind("Yes. Exports include projects deleted in the last 90 days", 0) == 0);
  REQUIRE(root->metadata.contains("langfuse.scores"));
  CHECK(root->metadata.at("langfuse.scores")[0].at("name") == "user_feedback");
  CHECK(root->metadata.at("langfuse.scores")[0].at("value") == 0);
  CHECK_FALSE(root->cost_usd.has_value());
}

TEST_CASE("Langfuse retriever output documents join the generation; errors come from level ERROR")
{
  auto traces = units_by_trace(read_all(fixture("langfuse-observations.jsonl")).records);
  REQUIRE(traces.size() == 3);
  const auto& h = traces.at("0c7e3a5b9d1f4286a4c6e8f0b2d4a6c8");
  REQUIRE(h.size() == 2);
  const auto& context = h[1].retrieved_context;
  REQUIRE(context.size() == 2);
  CHECK(context[0].doc_id == "kb-0877");
  CHECK(context[0].score == 0.92);
  CHECK(context[0].metadata.at("title") == "Two-factor authentication recovery");
  CHECK(context[0].content.rfind("Lost your 2FA device?", 0) == 0);
  CHECK(context[1].doc_id == "kb-1042");
  CHECK(context[1].source_span_id == "a2c4e6f8b0d13579");

  const auto& j = traces.at("4a6c8e0b2d4f41379c5e7a9b1d3f5a7c");
  REQUIRE(j.size() == 2);
  CHECK(j[1].status == TraceStatus::error);
  CHECK(j[1].error_message.rfind("Error code: 400 - This model's maximum context length", 0) == 0);
  CHECK_FALSE(j[1].tokens_in.has_value());
  CHECK_FALSE(j[1].cost_usd.has_value());
  CHECK(j[1].output_text.empty());
  CHECK(j[0].status == TraceStatus::error);
  CHECK(j[0].error_message == "answer_generation failed");
}

TEST_CASE("v2 observations (JSON-text input and output) in a data[] envelope and a bare trace row read too")
{
  TempDir dir;
  const auto v2 = dir.write("v2.json", R"({"data": [{"id": "obs-1", "traceId": "T-1", "type": "GENERATION",
      "startTime": "2025-01-01T00:00:00.000Z", "endTime": "2025-01-01T00:00:02.000Z", "parentObservationId": null,
      "providedModelName": "claude-3-5-haiku-20241022", "input": "[{\"role\":\"user\",\"content\":\"Hi\"}]",
      "output": "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}",
      "usageDetails": {"input": 10, "output": 5}, "costDetails": {}, "userId": "u1", "sessionId": "s1",
      "level": "DEFAULT"}], "meta": {"cursor": null}})");
  auto read = read_all(v2);
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->format == TraceFormat::langfuse);
  REQUIRE(read.records.size() == 1);
  const auto& record = read.records[0];
  CHECK(record.trace_id_norm == "t-1");
  CHECK(record.model == "claude-3-5-haiku-20241022");
  CHECK(record.provider == "anthropic");
  CHECK(record.input_text == "Hi");
  CHECK(record.output_text == "Hello");
  CHECK(record.tokens_in == 10);
  CHECK(record.tokens_total == 15);
  CHECK(*record.latency_ms == doctest::Approx(2000.0));
  CHECK(record.session_id == "s1");
  CHECK(record.user_id == "u1");
  CHECK(read.warnings.empty());

  const auto rows =
      dir.write("traces.jsonl", R"({"id": "tr-9", "timestamp": "2025-01-01T00:00:00Z", "name": "chat", )"
                                R"("input": {"question": "Q?"}, "output": "A.", "sessionId": "s", )"
                                R"("userId": "u", "tags": ["x"], "latency": 1.5, "totalCost": 0.002, )"
                                R"("observations": ["o1", "o2"]})"
                                "\n");
  auto trace = read_all(rows);
  REQUIRE(trace.records.size() == 1);
  CHECK(trace.records[0].span_id == "tr-9");
  CHECK(trace.records[0].kind == TraceKind::agent);
  CHECK(trace.records[0].input_text == "Q?");
  CHECK(trace.records[0].output_text == "A.");
  CHECK(*trace.records[0].latency_ms == doctest::Approx(1500.0));
  CHECK(*trace.records[0].cost_usd == doctest::Approx(0.002));
  CHECK(units_by_trace(trace.records).at("tr-9").size() == 1);
}

TEST_CASE("a Langfuse observation without an id is a located warning")
{
  TempDir dir;
  const auto path =
      dir.write("bad.jsonl", R"({"id": "t", "observations": [{"traceId": "t", "type": "SPAN"}, 5]})"
                             "\n");
  auto read = read_all(path);
  CHECK(read.records.size() == 0);
  CHECK(read.warnings ==
        std::vector<std::string>{path + ":1: observations[0].id: missing; observation skipped"});
}
