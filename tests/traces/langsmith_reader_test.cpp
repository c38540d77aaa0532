#include <doctest/doctest.h>

#include "temp_dir.hpp"
#include "trace_read_support.hpp"

using namespace evalgate;
using namespace evalgate::testing;
using evalgate::traces::TraceFormat;

TEST_CASE("the LangSmith run export is detected and every run becomes a record")
{
  auto read = read_all(fixture("langsmith-runs.jsonl"));
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->format == TraceFormat::langsmith);
  CHECK(read.summary->detected);
  CHECK(read.summary->records == 9);
  CHECK(read.warnings.empty());
}

TEST_CASE("a LangChain chat run maps serialized messages, generations, tokens and reported cost")
{
  auto read = read_all(fixture("langsmith-runs.jsonl"));
  const TraceRecord* llm = find_span(read.records, "c5a7e9b1-3d0f-4e24-8b68-a0c2e4f6b813");
  REQUIRE(llm != nullptr);
  CHECK(llm->source_format == "langsmith");
  CHECK(llm->source_line == 3);
  CHECK(llm->trace_id == "1e7b9c3d-5a2f-4c8e-b6d0-9f1a3e5c7b20");
  CHECK(llm->trace_id_norm == "1e7b9c3d5a2f4c8eb6d09f1a3e5c7b20");
  CHECK(llm->kind == TraceKind::llm);
  CHECK(llm->operation == "llm");
  CHECK(llm->model == "gpt-4.1-mini-2025-04-14");
  CHECK(llm->provider == "openai");
  REQUIRE(llm->input_messages.size() == 2);
  CHECK(llm->input_messages[0].role == "system");
  CHECK(llm->input_messages[1].role == "user");
  CHECK(llm->input_text.find("Question: How can an admin force a password reset for a teammate?") !=
        std::string::npos);
  CHECK(llm->output_text == "A workspace admin can force a password reset from Settings > Users.");
  CHECK(llm->tokens_in == 371);
  CHECK(llm->tokens_out == 19);
  CHECK(llm->tokens_total == 390);
  CHECK(llm->tokens_cache_read == 0);
  CHECK(llm->cost_source == "reported");
  CHECK(*llm->cost_usd == doctest::Approx(0.0001788));
  CHECK(*llm->latency_ms == doctest::Approx(1492.2));
  CHECK(llm->status == TraceStatus::ok);
  CHECK(llm->session_id == "thr_01J60A2Q9M3K");
  CHECK(llm->user_id == "u_a4f2c9");
  CHECK(llm->metadata.at("raw.customer_tier") == "enterprise");
  CHECK(llm->metadata.at("raw.project_id") == "3f9c2a61-8d4b-4e7a-9b15-6c0d2e8f4a73");
}

TEST_CASE("a wrap_openai run maps OpenAI messages, the ChatCompletion dump and cached tokens")
{
  auto read = read_all(fixture("langsmith-runs.jsonl"));
  const TraceRecord* llm = find_span(read.records, "e6f8a0c2-4b1d-4376-95ab-c7e9f1a3b5d2");
  REQUIRE(llm != nullptr);
  CHECK(llm->model == "gpt-4.1-mini-2025-04-14");
  CHECK(llm->output_text.rfind("Yes. When you downgrade mid-term", 0) == 0);
  CHECK(llm->tokens_in == 397);
  CHECK(llm->tokens_cache_read == 256);
  CHECK(*llm->cost_usd == doctest::Approx(0.0001796));
  const TraceRecord* root = find_span(read.records, "8a0c2e4f-6b1d-4f37-a59b-d3f5a7c9e1b4");
  REQUIRE(root != nullptr);
  CHECK(root->kind == TraceKind::chain);
  CHECK(root->input_text ==
        "If I downgrade from the annual plan halfway through the year, is the price difference "
        "refunded?");
  CHECK(root->output_text.rfind("Yes. When you downgrade mid-term", 0) == 0);
  CHECK(root->metadata.at("raw.feedback_stats").at("user_score").at("avg") == 0.0);
  CHECK_FALSE(root->tokens_in.has_value());
}

TEST_CASE("LangSmith retriever documents join the LLM run, and failed runs carry the error")
{
  auto traces = units_by_trace(read_all(fixture("langsmith-runs.jsonl")).records);
  REQUIRE(traces.size() == 3);
  const auto& k = traces.at("1e7b9c3d5a2f4c8eb6d09f1a3e5c7b20");
  REQUIRE(k.size() == 2);
  const auto& context = k[1].retrieved_context;
  REQUIRE(context.size() == 2);
  CHECK(context[0].doc_id == "kb-1042");
  CHECK(context[0].score == 0.9);
  CHECK(context[0].metadata.at("title") == "Resetting your password");
  CHECK(context[0].content.rfind("Choose 'Forgot password'", 0) == 0);
  CHECK(context[1].doc_id == "kb-0877");
  const auto& l = traces.at("8a0c2e4f6b1d4f37a59bd3f5a7c9e1b4");
  REQUIRE(l[1].retrieved_context.size() == 2);
  CHECK(l[1].retrieved_context[0].doc_id == "kb-2214");
  CHECK(l[1].retrieved_context[1].doc_id == "kb-2210");

  const auto& m = traces.at("4c6e8a0b2d1f435987b1f3a5c7e9d1b6");
  REQUIRE(m.size() == 2);
  CHECK(m[1].status == TraceStatus::error);
  CHECK(m[1].error_type == "APITimeoutError");
  CHECK(m[1].error_message.rfind("APITimeoutError('Request timed out.')", 0) == 0);
  CHECK(m[1].model == "gpt-4.1-mini");
  CHECK_FALSE(m[1].tokens_in.has_value());
  CHECK(m[1].output_text.empty());
  CHECK(m[0].status == TraceStatus::error);
  const TraceRecord* tool = nullptr;
  auto records = read_all(fixture("langsmith-runs.jsonl")).records;
  tool = find_span(records, "9d1f3b5a-7c0e-4248-b6a8-c2e4f6a8b0d3");
  REQUIRE(tool != nullptr);
  REQUIRE(tool->tool_calls.size() == 1);
  CHECK(tool->tool_calls[0].name == "lookup_invoices");
  CHECK(tool->tool_calls[0].arguments.at("account_id") == "acct_5521");
  CHECK(tool->tool_calls[0].result[1].at("status") == "refund_pending");
}

TEST_CASE("a LangSmith run without an id is a located warning")
{
  TempDir dir;
  const auto path = dir.write("runs.jsonl", R"({"run_type": "llm", "dotted_order": "x", "trace_id": "t"})"
                                            "\n");
  auto read = read_all(path);
  CHECK(read.records.empty());
  CHECK(read.warnings == std::vector<std::string>{path + ":1: id: missing; run skipped"});
}
