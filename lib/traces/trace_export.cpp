#include "traces/trace_export.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <openssl/sha.h>

namespace evalgate::traces {

namespace {

bool is_hex(const std::string& text, std::size_t digits)
{
  return text.size() == digits &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

std::string lower_without_dashes(const std::string& id)
{
  std::string out;
  for (char c : id) {
    if (c != '-') {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// A UUID-shaped SHA-256 of the target and metric (version nibble 8: a name-based custom UUID), so
// exporting the same score twice gives the same Langfuse id and the second upserts the first.
std::string score_id(const TraceRecord& record, const std::string& metric)
{
  const std::string key = "evalgate-score\n" + record.trace_id + "\n" + record.span_id + "\n" + metric;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x80);
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);
  std::string out;
  char buffer[3];
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    std::snprintf(buffer, sizeof buffer, "%02x", digest[i]);
    out += buffer;
  }
  return out;
}

Json string_attribute(const std::string& key, const std::string& value)
{
  return {{"key", key}, {"value", {{"stringValue", value}}}};
}

} // namespace

bool has_quality_failure(const std::vector<Score>& scores)
{
  return std::any_of(scores.begin(), scores.end(), [](const Score& s) { return !s.errored() && !s.pass; });
}

Json failure_case(const TraceRecord& record, const std::vector<Score>& scores)
{
  Json failing = Json::array();
  for (const Score& s : scores) {
    if (s.errored() || s.pass) {
      continue;
    }
    Json item = {{"metric", s.metric}, {"value", s.value}, {"reason", s.reason}};
    if (s.threshold) {
      item["threshold"] = *s.threshold;
    }
    failing.push_back(std::move(item));
  }
  Json row = {{"id", "trace-" + record.trace_id + "-" + record.span_id},
              {"input", record.input_text},
              {"output", record.output_text}};
  if (!record.retrieved_context.empty()) {
    Json context = Json::array();
    for (const auto& doc : record.retrieved_context) {
      context.push_back(doc.content.empty() ? doc.doc_id : doc.content);
    }
    row["context"] = std::move(context);
  }
  Json tags = Json::array({"from-traces"});
  if (!record.model.empty()) {
    tags.push_back(record.model);
  }
  row["tags"] = std::move(tags);
  Json metadata = {{"trace_id", record.trace_id},
                   {"span_id", record.span_id},
                   {"route", record.name},
                   {"model", record.model},
                   {"source_file", record.source_file},
                   {"source_line", record.source_line},
                   {"failing_scores", std::move(failing)}};
  if (!record.system_instructions.empty()) {
    metadata["system_instructions"] = record.system_instructions;
  }
  if (!record.session_id.empty()) {
    metadata["session_id"] = record.session_id;
  }
  row["metadata"] = std::move(metadata);
  return row;
}

Json langfuse_score_event(const TraceRecord& record, const Score& score, const std::string& timestamp)
{
  const std::string id = score_id(record, score.metric);
  Json body = {{"id", id},
               {"traceId", record.trace_id},
               {"name", score.metric},
               {"value", score.value},
               {"dataType", "NUMERIC"},
               {"comment", score.reason},
               {"metadata", {{"pass", score.pass}, {"source", "evalgate"}}}};
  if (!record.span_id.empty()) {
    body["observationId"] = record.span_id;
  }
  if (score.threshold) {
    body["metadata"]["threshold"] = *score.threshold;
  }
  if (!score.details.empty()) {
    body["metadata"]["details"] = score.details;
  }
  return {
      {"id", id + "-event"}, {"timestamp", timestamp}, {"type", "score-create"}, {"body", std::move(body)}};
}

Json otel_evaluation_logs(const TraceRecord& record, const std::vector<Score>& scores,
                          std::int64_t time_unix_nano)
{
  const std::string trace_hex = lower_without_dashes(record.trace_id);
  const std::string span_hex = lower_without_dashes(record.span_id);
  Json logs = Json::array();
  for (const Score& s : scores) {
    Json attributes = Json::array({string_attribute("gen_ai.evaluation.name", s.metric)});
    if (s.errored()) {
      attributes.push_back(string_attribute("error.type", "evaluation_error"));
      attributes.push_back(string_attribute("gen_ai.evaluation.explanation", s.error));
    } else {
      attributes.push_back({{"key", "gen_ai.evaluation.score.value"}, {"value", {{"doubleValue", s.value}}}});
      attributes.push_back(string_attribute("gen_ai.evaluation.score.label", s.pass ? "pass" : "fail"));
      if (!s.reason.empty()) {
        attributes.push_back(string_attribute("gen_ai.evaluation.explanation", s.reason));
      }
    }
    Json log = {{"timeUnixNano", std::to_string(time_unix_nano)},
                {"eventName", "gen_ai.evaluation.result"},
                {"body", {{"stringValue", "gen_ai.evaluation.result"}}},
                {"attributes", std::move(attributes)}};
    if (is_hex(trace_hex, 32)) {
      log["traceId"] = trace_hex;
    } else {
      log["attributes"].push_back(string_attribute("evalgate.trace_id", record.trace_id));
    }
    if (is_hex(span_hex, 16)) {
      log["spanId"] = span_hex;
    } else {
      log["attributes"].push_back(string_attribute("evalgate.span_id", record.span_id));
    }
    logs.push_back(std::move(log));
  }
  return {{"resourceLogs",
           Json::array(
               {{{"resource", {{"attributes", Json::array({string_attribute("service.name", "evalgate")})}}},
                 {"scopeLogs", Json::array({{{"scope", {{"name", "evalgate"}}}, {"logRecords", logs}}})}}})}};
}

ScoreExportFormat score_export_format(const std::string& path)
{
  for (const char* suffix : {".otlp.jsonl", ".otlp.json", ".otel.jsonl", ".otel.json"}) {
    const std::string s = suffix;
    if (path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0) {
      return ScoreExportFormat::otel;
    }
  }
  return ScoreExportFormat::langfuse;
}

} // namespace evalgate::traces
