#include <doctest/doctest.h>

#include "temp_dir.hpp"
#include "trace_read_support.hpp"

using namespace evalgate;
using namespace evalgate::testing;
using evalgate::traces::TraceFormat;

TEST_CASE("the Phoenix span export is detected as OpenInference and every span becomes a record")
{
  auto read = read_all(fixture("openinference.jsonl"));
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->format == TraceFormat::openinference);
  CHECK(read.summary->detected);
  CHECK(read.summary->records == 11);
  CHECK(read.warnings.empty());
}

TEST_CASE("an OpenInference LLM span maps messages, tokens, reported cost and latency")
{
  auto read = read_all(fixture("openinference.jsonl"));
  const TraceRecord* llm = find_span(read.records, "91d3b7f5a2e0c864");
  REQUIRE(llm != nullptr);
  CHECK(llm->source_format == "openinference");
  CHECK(llm->source_line == 4);
  CHECK(llm->kind == TraceKind::llm);
  CHECK(llm->operation == "LLM");
  CHECK(llm->model == "gpt-4.1-mini-2025-04-14");
  CHECK(llm->provider == "openai");
  REQUIRE(llm->input_messages.size() == 2);
  CHECK(llm->system_instructions.rfind("You are Northwind Cloud's support assistant.", 0) == 0);
  CHECK(llm->input_text.rfind("Context:\n[kb-3301] Exporting workspace data", 0) == 0);
  CHECK(llm->output_text ==
        "The download link for a workspace export is valid for 7 days. If the export is larger "
        "than 2 GB, it is split into parts.");
  CHECK(llm->tokens_in == 489);
  CHECK(llm->tokens_out == 31);
  CHECK(llm->tokens_total == 520);
  CHECK(llm->tokens_cache_read == 0);
  CHECK(llm->cost_source == "reported");
  CHECK(*llm->cost_usd == doctest::Approx(0.000245));
  CHECK(*llm->latency_ms == doctest::Approx(1625.7));
  CHECK(llm->status == TraceStatus::ok);
  CHECK(llm->session_id == "sess_8c21f0d4");
  CHECK(llm->user_id == "u_5a90c3");
  CHECK(llm->tags == std::vector<std::string>{"support", "rag"});
  CHECK(llm->metadata.at("raw.customer_tier") == "pro");
  CHECK(llm->metadata.at("raw.route") == "/support/chat");
  CHECK(llm->metadata.at("raw.llm.invocation_parameters") ==
        R"({"model": "gpt-4.1-mini", "temperature": 0.2})");
  CHECK(llm->metadata.at("phoenix.id") == "U3Bhbjo0MTA0");

  const TraceRecord* root = find_span(read.records, "b7e1c4a9d2f06385");
  REQUIRE(root != nullptr);
  CHECK(root->kind == TraceKind::chain);
  CHECK(root->input_text == "How long is the download link for a workspace data export valid?");
  CHECK(root->output_text.rfind("The download link for a workspace export is valid for 7 days.", 0) == 0);
  const TraceRecord* embedding = find_span(read.records, "e4a06d2b9c7f1538");
  REQUIRE(embedding != nullptr);
  CHECK(embedding->kind == TraceKind::embedding);
  CHECK(embedding->model == "text-embedding-3-small");
  CHECK(embedding->tokens_in == 14);
  CHECK(embedding->cost_source == "computed");
}

TEST_CASE("retriever documents join the LLM call of the same trace, with their metadata")
{
  auto traces = units_by_trace(read_all(fixture("openinference.jsonl")).records);
  REQUIRE(traces.size() == 3);
  const auto& e = traces.at("5d1f8a3c7e9b42d046c4e2f1b3d5a7c9");
  REQUIRE(e.size() == 2); // the chain root and the LLM call
  CHECK(e[0].kind == TraceKind::chain);
  CHECK(e[1].kind == TraceKind::llm);
  const auto& context = e[1].retrieved_context;
  REQUIRE(context.size() == 2);
  CHECK(context[0].doc_id == "kb-3301");
  CHECK(context[0].score == 0.93);
  CHECK(context[0].rank == 0);
  CHECK(context[0].source_span_id == "2c8f5a1e7d3b9046");
  CHECK(context[0].metadata.at("title") == "Exporting workspace data");
  CHECK(context[0].content.rfind("Workspace owners can export all projects", 0) == 0);
  CHECK(context[1].doc_id == "kb-2214");
  CHECK(context[1].score == 0.41);
}

TEST_CASE("a reranker's order and scores win, with content joined from the retriever by document id")
{
  auto traces = units_by_trace(read_all(fixture("openinference.jsonl")).records);
  const auto& f = traces.at("a8c2e4f6d0b14379be5d7f9a1c3e5b02");
  REQUIRE(f.size() == 2); // agent root and LLM; the guardrail is not a unit
  const auto& context = f[1].retrieved_context;
  REQUIRE(context.size() == 2);
  CHECK(context[0].doc_id == "kb-2214");
  CHECK(context[0].score == 0.97);
  CHECK(context[0].source_span_id == "7b9d1f3a5c0e8264");
  CHECK(context[0].content.rfind("Switch from annual to monthly billing at your next renewal date", 0) == 0);
  CHECK(context[1].doc_id == "kb-2210");
  CHECK(context[1].score == 0.35);
  CHECK(context[1].content.rfind("Annual plans can be cancelled any time", 0) == 0);
}

TEST_CASE("an OpenInference error carries status message and exception type; its output is not borrowed")
{
  auto traces = units_by_trace(read_all(fixture("openinference.jsonl")).records);
  const auto& g = traces.at("f2d4b6a8c0e1437596a8ccb0d2e4f617");
  REQUIRE(g.size() == 2);
  const auto& llm = g[1];
  CHECK(llm.status == TraceStatus::error);
  CHECK(llm.error_message == "openai.APITimeoutError: Request timed out.");
  CHECK(llm.error_type == "openai.APITimeoutError");
  CHECK(llm.output_text.empty());
  CHECK(llm.model == "gpt-4.1-mini");
  CHECK(*llm.latency_ms == doctest::Approx(30001.5));
  CHECK(g[0].status == TraceStatus::error);
}

TEST_CASE("the OpenInference spec's shape (nested attributes, OTel span_kind) and a data[] envelope read too")
{
  TempDir dir;
  const auto path =
      dir.write("spec.json", R"({"data": [{"name": "llm", "context": {"trace_id": "AB12", "span_id": "CD34"},
    "span_kind": "SPAN_KIND_INTERNAL", "parent_id": null, "start_time": "2024-01-01T00:00:00+00:00",
    "end_time": "2024-01-01T00:00:01.5+00:00", "status_code": "UNSET",
    "attributes": {"openinference.span.kind": "LLM", "llm": {"model_name": "claude-3-5-sonnet", "provider": "anthropic",
      "input_messages": [{"message": {"role": "user", "content": "Hi"}}],
      "output_messages": [{"message": {"role": "assistant", "content": "Hello"}}]},
      "metadata": "{\"route\": \"/x\"}"}}], "next_cursor": null})");
  auto read = read_all(path);
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->format == TraceFormat::openinference);
  REQUIRE(read.records.size() == 1);
  const auto& record = read.records[0];
  CHECK(record.trace_id == "ab12");
  CHECK(record.kind == TraceKind::llm);
  CHECK(record.model == "claude-3-5-sonnet");
  CHECK(record.provider == "anthropic");
  CHECK(record.input_text == "Hi");
  CHECK(record.output_text == "Hello");
  CHECK(*record.latency_ms == doctest::Approx(1500.0));
  CHECK(record.metadata.at("raw.route") == "/x");
  CHECK(read.warnings.empty());
}
