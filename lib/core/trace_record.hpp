#pragma once
// core/trace_record: one span-like unit of a production trace (an OTel span, a Phoenix span, a
// Langfuse observation, a LangSmith run), normalised to the common record of
// shared/reference/traces.md §0. Plain data: the trace readers fill it, the trace assembler joins
// retrieved context into it, the sampler sets `sample`, evaluators score it, the store keeps it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace evalgate {

enum class TraceKind {
  llm,
  embedding,
  retriever,
  reranker,
  tool,
  agent,
  chain,
  guardrail,
  evaluator,
  prompt,
  other
};
const char* trace_kind_name(TraceKind kind);

enum class TraceStatus { unset, ok, error };
const char* trace_status_name(TraceStatus status);

struct TraceToolCall {
  std::string call_id;
  std::string name;
  Json arguments; // as given: an object, or a string when the source kept it unparsed
  Json result;    // null when absent
  std::string error;
};

struct TraceMessage {
  std::string role; // system | user | assistant | tool | developer
  std::string text; // the text parts joined with "\n"
  std::vector<TraceToolCall> tool_calls;
  std::string tool_call_id;
};

struct RetrievedDocument {
  std::string doc_id;
  std::string content;
  std::optional<double> score;
  int rank = 0; // 0-based position within its retrieval span
  std::string source_span_id;
  Json metadata = Json::object();
};

// How the sampler chose this record (traces.md §8): π is the inclusion probability, `reason` one of
// "rate", "bottom-k", "stratified", "always:errors", "all"; `stratum` empty when not stratified.
struct TraceSample {
  double inclusion_prob = 1.0;
  std::string reason = "all";
  std::string stratum;
  double u = 0; // the trace's hash value in [0,1)
};

struct TraceRecord {
  std::string source_format; // otlp | openinference | langfuse | langsmith
  std::string source_file;
  long source_line = 0; // 1-based line (JSONL) or element index of the record in its file
  std::string trace_id;
  std::string trace_id_norm; // lowercase, dashes removed for UUIDs: what sampling hashes
  std::string span_id;
  std::string parent_span_id; // empty for roots
  TraceKind kind = TraceKind::other;
  std::string operation; // the raw discriminator (gen_ai.operation.name, span kind, type, run_type)
  std::string name;
  std::string model; // response model, else requested model
  std::string provider;
  std::string system_instructions;
  std::vector<TraceMessage> input_messages;
  std::string input_text; // flat input; when absent, the last user message's text
  std::vector<TraceMessage> output_messages;
  std::string output_text; // the last assistant text
  std::vector<RetrievedDocument> retrieved_context;
  std::vector<TraceToolCall> tool_calls;
  std::optional<std::int64_t> tokens_in; // includes cached tokens (OTel convention)
  std::optional<std::int64_t> tokens_out;
  std::optional<std::int64_t> tokens_total;
  std::optional<std::int64_t> tokens_cache_read;
  std::optional<double> cost_usd;
  std::string cost_source; // "reported" | "computed" | "" (unknown)
  std::int64_t start_unix_nano = 0;
  std::int64_t end_unix_nano = 0;
  std::optional<double> latency_ms;
  std::optional<double> ttft_ms;
  TraceStatus status = TraceStatus::unset;
  std::string error_type;
  std::string error_message;
  std::string session_id;
  std::string user_id;
  std::vector<std::string> tags;
  Json metadata = Json::object(); // unmapped attributes under "raw.<key>"
  TraceSample sample;
};

} // namespace evalgate
