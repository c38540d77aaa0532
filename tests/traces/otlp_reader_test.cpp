#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "temp_dir.hpp"
#include "trace_read_support.hpp"

using namespace evalgate;
using namespace evalgate::testing;
using evalgate::traces::ReadOptions;
using evalgate::traces::TraceFormat;

TEST_CASE("the OTLP fixture is detected as OTLP and every span becomes a record")
{
  auto read = read_all(fixture("otlp-genai.jsonl"));
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->format == TraceFormat::otlp);
  CHECK(read.summary->detected);
  CHECK(read.summary->records == 14);
  CHECK(read.summary->warnings == 0);
  CHECK(read.warnings.empty());
  CHECK(read.records.size() == 14);
  CHECK(read.summary->bytes == 19876);
}

TEST_CASE("a v1.41 chat span maps model, provider, messages, tokens, latency and a computed cost")
{
  auto read = read_all(fixture("otlp-genai.jsonl"));
  const TraceRecord* chat = find_span(read.records, "3f7a0c92e1d4b865");
  REQUIRE(chat != nullptr);
  CHECK(chat->source_format == "otlp");
  CHECK(chat->source_line == 1);
  CHECK(chat->trace_id == "7f3c9a1e5b2d48c6309e1f4b6d2c8e31");
  CHECK(chat->trace_id_norm == "7f3c9a1e5b2d48c6309e1f4b6d2c8e31");
  CHECK(chat->parent_span_id == "a1c94e07d3b25f68");
  CHECK(chat->kind == TraceKind::llm);
  CHECK(chat->operation == "chat");
  CHECK(chat->name == "chat gpt-4.1-mini");
  CHECK(chat->model == "gpt-4.1-mini-2025-04-14");
  CHECK(chat->provider == "openai");
  CHECK(chat->system_instructions ==
        "You are Northwind Cloud's support assistant. Answer only from the provided context; if it is not "
        "there, say so and offer a ticket.");
  REQUIRE(chat->input_messages.size() == 1);
  CHECK(chat->input_messages[0].role == "user");
  CHECK(chat->input_text.find("Question: I forgot my password and the reset link") != std::string::npos);
  REQUIRE(chat->output_messages.size() == 1);
  CHECK(chat->output_text.rfind("Reset links expire 30 minutes after they are sent", 0) == 0);
  CHECK(chat->tokens_in == 642);
  CHECK(chat->tokens_out == 71);
  CHECK(chat->tokens_total == 713);
  CHECK(chat->tokens_cache_read == 0);
  CHECK(chat->start_unix_nano == 1787061801756600000);
  CHECK(chat->end_unix_nano == 1787061803911000000);
  REQUIRE(chat->latency_ms.has_value());
  CHECK(*chat->latency_ms == doctest::Approx(2154.4));
  CHECK(chat->status == TraceStatus::unset);
  // gpt-4.1-mini: $0.4 in, $1.6 out per 1M tokens (shipped table).
  CHECK(chat->cost_source == "computed");
  REQUIRE(chat->cost_usd.has_value());
  CHECK(*chat->cost_usd == doctest::Approx(642 * 0.4e-6 + 71 * 1.6e-6));
  CHECK(chat->metadata.at("raw.server.address") == "api.openai.com");
  CHECK(chat->metadata.at("raw.gen_ai.response.finish_reasons") == Json::array({"stop"}));
  CHECK(chat->metadata.at("raw.service.name") == "helpdesk-copilot");
  CHECK(chat->metadata.at("otel.scope.name") == "opentelemetry.instrumentation.openai_v2");
  CHECK_FALSE(chat->metadata.contains("raw.gen_ai.input.messages"));
}

TEST_CASE("structured arrayValue and kvlistValue attributes read like their JSON-string form")
{
  auto read = read_all(fixture("otlp-genai.jsonl"));
  const TraceRecord* chat = find_span(read.records, "e27d5c1a90f3b648");
  REQUIRE(chat != nullptr);
  CHECK(chat->system_instructions.rfind("You are Northwind Cloud's support assistant.", 0) == 0);
  REQUIRE(chat->input_messages.size() == 1);
  CHECK(chat->input_text.find("[kb-2210]") != std::string::npos);
  CHECK(chat->output_text.rfind("Yes. When yo", 0) == 0);
  CHECK(chat->tokens_in == 688);
  CHECK(chat->tokens_cache_read == 512);
  // Cached input tokens are billed at the cached price: (688-512)×0.4 + 512×0.1 + 64×1.6 per 1M.
  CHECK(*chat->cost_usd == doctest::Approx(176 * 0.4e-6 + 512 * 0.1e-6 + 64 * 1.6e-6));
  const TraceRecord* retrieval = find_span(read.records, "b3f81d24c06e9a57");
  REQUIRE(retrieval != nullptr);
  CHECK(retrieval->kind == TraceKind::retriever);
  REQUIRE(retrieval->retrieved_context.size() == 2);
  CHECK(retrieval->retrieved_context[0].doc_id == "kb-2210");
  CHECK(retrieval->retrieved_context[0].score == 0.91);
  CHECK(retrieval->retrieved_context[0].content.empty());
  CHECK(retrieval->input_text.rfind("I'm three months into my annual plan", 0) == 0);
}

TEST_CASE("tool spans and tool-call parts become tool calls")
{
  auto read = read_all(fixture("otlp-genai.jsonl"));
  const TraceRecord* tool = find_span(read.records, "9c3e5a7b1d0f2468");
  REQUIRE(tool != nullptr);
  CHECK(tool->kind == TraceKind::tool);
  REQUIRE(tool->tool_calls.size() == 1);
  CHECK(tool->tool_calls[0].name == "get_ticket_status");
  CHECK(tool->tool_calls[0].call_id == "call_Qm3v8TzL1pWcX0aR");
  CHECK(tool->tool_calls[0].arguments == Json{{"ticket_id", "48213"}});
  CHECK(tool->tool_calls[0].result.at("status") == "waiting_on_customer");
  CHECK(tool->metadata.at("otel.trace_state") == "ot=th:8");
  const TraceRecord* first_chat = find_span(read.records, "47b1e9d02c6a3f85");
  REQUIRE(first_chat != nullptr);
  REQUIRE(first_chat->tool_calls.size() == 1);
  CHECK(first_chat->tool_calls[0].name == "get_ticket_status");
  CHECK(first_chat->tool_calls[0].arguments == Json{{"ticket_id", "48213"}});
  CHECK(first_chat->output_text.empty());
  const TraceRecord* second_chat = find_span(read.records, "d5f0b2e8a4c61937");
  REQUIRE(second_chat != nullptr);
  REQUIRE(second_chat->input_messages.size() >= 3);
  CHECK(second_chat->input_messages[2].role == "tool");
  CHECK(second_chat->input_messages[2].tool_call_id == "call_Qm3v8TzL1pWcX0aR");
  CHECK(second_chat->input_messages[2].text.find("waiting_on_customer") != std::string::npos);
}

TEST_CASE("legacy gen_ai.system and gen_ai.content.prompt events map, and errors carry type and message")
{
  auto read = read_all(fixture("otlp-genai.jsonl"));
  const TraceRecord* chat = find_span(read.records, "1f3d5b7a9c0e2f46");
  REQUIRE(chat != nullptr);
  CHECK(chat->kind == TraceKind::llm);
  CHECK(chat->provider == "openai");
  CHECK(chat->model == "gpt-4o-mini");
  REQUIRE(chat->input_messages.size() == 2);
  CHECK(chat->input_messages[0].role == "system");
  CHECK(chat->system_instructions.rfind("You are Northwind Cloud's support assistant.", 0) == 0);
  CHECK(chat->input_text.find("How do I export") != std::string::npos);
  CHECK(chat->status == TraceStatus::error);
  CHECK(chat->error_type == "RateLimitError");
  CHECK(chat->error_message.rfind("Error code: 429 - ", 0) == 0);
  CHECK_FALSE(chat->tokens_in.has_value());
  CHECK_FALSE(chat->cost_usd.has_value());
  CHECK(chat->cost_source.empty());
  const TraceRecord* root = find_span(read.records, "8b2e4d6f0a1c3e57");
  REQUIRE(root != nullptr);
  CHECK(root->status == TraceStatus::error);
  CHECK(root->error_message == "upstream LLM call failed: RateLimitError");
  CHECK(root->metadata.at("raw.service.version") == "2.9.3");
}

TEST_CASE("assembly joins the retrieval documents into the chat call, best score first")
{
  auto read = read_all(fixture("otlp-genai.jsonl"));
  auto traces = units_by_trace(read.records);
  REQUIRE(traces.size() == 4);
  const auto& a = traces.at("7f3c9a1e5b2d48c6309e1f4b6d2c8e31");
  REQUIRE(a.size() == 2);
  CHECK(a[0].span_id == "a1c94e07d3b25f68"); // the agent root
  CHECK(a[0].kind == TraceKind::agent);
  CHECK(a[1].span_id == "3f7a0c92e1d4b865");
  const auto& context = a[1].retrieved_context;
  REQUIRE(context.size() == 2);
  CHECK(context[0].doc_id == "kb-1042");
  CHECK(context[0].rank == 0);
  CHECK(context[0].score == 0.89);
  CHECK(context[0].source_span_id == "5e2b91c07a4d3f18");
  CHECK(context[0].content.rfind("Choose 'Forgot password' on the sign-in page.", 0) == 0);
  CHECK(context[1].doc_id == "kb-0877");
  CHECK(context[1].rank == 1);
  // Conversation, user and route live on the root span only.
  CHECK(a[1].session_id == "conv_01J5Z8K2M4QH7RW3");
  CHECK(a[1].user_id == "u_7f3a91");
  CHECK(a[1].metadata.at("raw.app.route") == "/support/chat");
  CHECK(a[0].retrieved_context.size() == 2);

  CHECK(traces.at("2a9d4e6f0b1c47d8e5b39a0c6f1d2e47").size() == 3);
  CHECK(traces.at("e0b5d13c8f7a4692b1c3d5e7f9a0b2c4").size() == 2);
}

TEST_CASE("documents without content fall back to the prompt the model saw, marked as such")
{
  auto read = read_all(fixture("otlp-genai.jsonl"));
  auto traces = units_by_trace(read.records);
  const auto& b = traces.at("c41e8b07d29a4f53b6e0a7d1953f2c8a");
  REQUIRE(b.size() == 2);
  const auto& context = b[1].retrieved_context;
  REQUIRE(context.size() == 3);
  CHECK(context[0].doc_id == "kb-2210");
  CHECK(context[1].doc_id == "kb-2214");
  CHECK(context[2].doc_id == "prompt");
  CHECK(context[2].metadata.at("source") == "prompt");
  CHECK(context[2].content.find("[kb-2210]") != std::string::npos);
  CHECK(context[2].content.rfind("You are Northwind Cloud's support assistant.", 0) == 0);
}

TEST_CASE("spans of one trace split over two files, in any order, assemble as from one file")
{
  TempDir dir;
  std::ifstream in(fixture("otlp-genai.jsonl"));
  std::string line;
  std::getline(in, line);
  auto request = Json::parse(line);
  // File 1 keeps the agent scope, file 2 the instrumentation scope with its spans reversed.
  Json first = request;
  Json second = request;
  first["resourceSpans"][0]["scopeSpans"].erase(1);
  second["resourceSpans"][0]["scopeSpans"].erase(0);
  auto& spans = second["resourceSpans"][0]["scopeSpans"][0]["spans"];
  std::reverse(spans.begin(), spans.end());
  const auto one = read_all(dir.write("one.jsonl", line + "\n"));
  auto part1 = read_all(dir.write("b.jsonl", second.dump() + "\n"));
  auto part2 = read_all(dir.write("a.jsonl", first.dump() + "\n"));
  std::vector<TraceRecord> both = std::move(part1.records);
  for (auto& record : part2.records) {
    both.push_back(std::move(record));
  }
  const auto whole = units_by_trace(one.records).at("7f3c9a1e5b2d48c6309e1f4b6d2c8e31");
  const auto split = units_by_trace(both).at("7f3c9a1e5b2d48c6309e1f4b6d2c8e31");
  REQUIRE(whole.size() == split.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    CHECK(whole[i].span_id == split[i].span_id);
    CHECK(whole[i].input_text == split[i].input_text);
    CHECK(whole[i].output_text == split[i].output_text);
    CHECK(whole[i].session_id == split[i].session_id);
    REQUIRE(whole[i].retrieved_context.size() == split[i].retrieved_context.size());
    for (std::size_t k = 0; k < whole[i].retrieved_context.size(); ++k) {
      CHECK(whole[i].retrieved_context[k].doc_id == split[i].retrieved_context[k].doc_id);
      CHECK(whole[i].retrieved_context[k].content == split[i].retrieved_context[k].content);
    }
  }
}

TEST_CASE("a single pretty-printed OTLP document reads like its JSONL line")
{
  TempDir dir;
  std::ifstream in(fixture("otlp-genai.jsonl"));
  std::string line;
  std::getline(in, line);
  auto read = read_all(dir.write("trace.json", Json::parse(line).dump(2)));
  REQUIRE(read.summary.has_value());
  CHECK(read.summary->format == TraceFormat::otlp);
  CHECK(read.records.size() == 4);
  CHECK(read.warnings.empty());
  CHECK(find_span(read.records, "3f7a0c92e1d4b865")->tokens_in == 642);
}

namespace {

std::string otlp_line(const std::string& spans)
{
  return R"({"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"t"},"spans":[)" +
         spans + "]}]}]}\n";
}

} // namespace

TEST_CASE("hex ids are read in any case and int64 values as strings or numbers")
{
  TempDir dir;
  const auto path = dir.write(
      "ids.jsonl",
      otlp_line(
          R"({"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"",)"
          R"("name":"chat m","startTimeUnixNano":1544712660000000000,"endTimeUnixNano":"1544712661000000000",)"
          R"("attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},)"
          R"({"key":"gen_ai.usage.input_tokens","value":{"intValue":12}},)"
          R"({"key":"gen_ai.usage.output_tokens","value":{"intValue":"3"}},)"
          R"({"key":"flag","value":{"boolValue":true}},{"key":"ratio","value":{"doubleValue":"NaN"}},)"
          R"({"key":"blob","value":{"bytesValue":"AAE="}},{"key":"empty","value":{}}],"status":{"code":1}})"));
  auto read = read_all(path);
  REQUIRE(read.records.size() == 1);
  const auto& record = read.records[0];
  CHECK(read.warnings.empty());
  CHECK(record.trace_id == "5b8efff798038103d269b633813fc60c");
  CHECK(record.span_id == "eee19b7ec3c1b174");
  CHECK(record.parent_span_id.empty());
  CHECK(record.tokens_in == 12);
  CHECK(record.tokens_out == 3);
  CHECK(*record.latency_ms == doctest::Approx(1000.0));
  CHECK(record.status == TraceStatus::ok);
  CHECK(record.metadata.at("raw.flag") == true);
  CHECK(record.metadata.at("raw.blob") == "AAE=");
  CHECK(record.metadata.at("raw.empty").is_null());
  CHECK(std::isnan(record.metadata.at("raw.ratio").get<double>()));
}

TEST_CASE("OpenLLMetry's flattened gen_ai.prompt.N attributes are read as messages")
{
  TempDir dir;
  const auto path = dir.write(
      "flat.jsonl",
      otlp_line(
          R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"openai.chat",)"
          R"("attributes":[{"key":"gen_ai.system","value":{"stringValue":"OpenAI"}},)"
          R"({"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},)"
          R"({"key":"gen_ai.prompt.0.role","value":{"stringValue":"system"}},)"
          R"({"key":"gen_ai.prompt.0.content","value":{"stringValue":"Be brief."}},)"
          R"({"key":"gen_ai.prompt.1.role","value":{"stringValue":"user"}},)"
          R"({"key":"gen_ai.prompt.1.content","value":{"stringValue":"Hi?"}},)"
          R"({"key":"gen_ai.completion.0.role","value":{"stringValue":"assistant"}},)"
          R"({"key":"gen_ai.completion.0.content","value":{"stringValue":"Hello."}},)"
          R"({"key":"llm.usage.total_tokens","value":{"intValue":"9"}}]})"));
  auto read = read_all(path);
  REQUIRE(read.records.size() == 1);
  const auto& record = read.records[0];
  CHECK(record.kind == TraceKind::llm);
  CHECK(record.provider == "openai");
  CHECK(record.system_instructions == "Be brief.");
  CHECK(record.input_text == "Hi?");
  CHECK(record.output_text == "Hello.");
  CHECK(record.tokens_total == 9);
  CHECK_FALSE(record.metadata.contains("raw.gen_ai.prompt.1.content"));
}
