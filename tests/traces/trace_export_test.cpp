#include <doctest/doctest.h>

#include "traces/trace_export.hpp"

using namespace evalgate;
using namespace evalgate::traces;

namespace {

TraceRecord unit()
{
  TraceRecord r;
  r.trace_id = "C41E8B07-D29A-4F53-B6E0-A7D1953F2C8A";
  r.span_id = "a1b2c3d4e5f60718";
  r.parent_span_id = "root";
  r.name = "chat gpt-4o";
  r.model = "gpt-4o";
  r.input_text = "Can I get a refund after 3 months?";
  r.output_text = "Yes, a prorated refund.";
  r.retrieved_context.push_back(
      {"kb-2210", "Full refund within 30 days, none after.", 0.8, 0, "r1", Json::object()});
  r.source_file = "export.jsonl";
  r.source_line = 2;
  return r;
}

Score score(const std::string& metric, double value, bool pass, const std::string& error = "")
{
  Score s;
  s.metric = metric;
  s.value = value;
  s.pass = pass;
  s.threshold = 0.7;
  s.reason = pass ? "ok" : "contradicts kb-2210";
  s.error = error;
  return s;
}

} // namespace

TEST_CASE("a failing unit becomes a dataset row with its input, output, context and failing scores")
{
  const std::vector<Score> scores{score("groundedness", 0.0, false), score("contains", 1, true),
                                  score("tone", 0, false, "judge unreachable")};
  CHECK(has_quality_failure(scores));
  const Json row = failure_case(unit(), scores);
  CHECK(row["id"] == "trace-C41E8B07-D29A-4F53-B6E0-A7D1953F2C8A-a1b2c3d4e5f60718");
  CHECK(row["input"] == "Can I get a refund after 3 months?");
  CHECK(row["output"] == "Yes, a prorated refund.");
  CHECK(row["context"] == Json::array({"Full refund within 30 days, none after."}));
  CHECK(row["tags"] == Json::array({"from-traces", "gpt-4o"}));
  CHECK(row["metadata"]["trace_id"] == "C41E8B07-D29A-4F53-B6E0-A7D1953F2C8A");
  CHECK(row["metadata"]["span_id"] == "a1b2c3d4e5f60718");
  REQUIRE(row["metadata"]["failing_scores"].size() == 1);
  CHECK(row["metadata"]["failing_scores"][0]["metric"] == "groundedness");
  CHECK(row["metadata"]["failing_scores"][0]["reason"] == "contradicts kb-2210");
  CHECK_FALSE(has_quality_failure({score("tone", 0, false, "judge unreachable")}));
}

TEST_CASE("Langfuse score events carry a stable id, the target ids and a numeric value")
{
  const Json event = langfuse_score_event(unit(), score("groundedness", 0.25, false), "2026-08-22T10:00:00Z");
  CHECK(event["type"] == "score-create");
  CHECK(event["timestamp"] == "2026-08-22T10:00:00Z");
  const Json& body = event["body"];
  CHECK(body["traceId"] == "C41E8B07-D29A-4F53-B6E0-A7D1953F2C8A");
  CHECK(body["observationId"] == "a1b2c3d4e5f60718");
  CHECK(body["name"] == "groundedness");
  CHECK(body["value"] == 0.25);
  CHECK(body["dataType"] == "NUMERIC");
  CHECK(body["comment"] == "contradicts kb-2210");
  CHECK(body["metadata"]["pass"] == false);
  CHECK(body["metadata"]["threshold"] == 0.7);
  const std::string id = body["id"];
  CHECK(id.size() == 36);
  CHECK(id[14] == '8');
  CHECK(langfuse_score_event(unit(), score("groundedness", 0.9, true), "later")["body"]["id"] == id);
  CHECK(langfuse_score_event(unit(), score("contains", 0.9, true), "later")["body"]["id"] != id);
}

TEST_CASE("OTel evaluation events are log records parented to the scored span")
{
  const Json request = otel_evaluation_logs(
      unit(), {score("groundedness", 0.25, false), score("tone", 0, false, "timeout")}, 42);
  const Json& records = request["resourceLogs"][0]["scopeLogs"][0]["logRecords"];
  REQUIRE(records.size() == 2);
  CHECK(records[0]["eventName"] == "gen_ai.evaluation.result");
  CHECK(records[0]["traceId"] == "c41e8b07d29a4f53b6e0a7d1953f2c8a");
  CHECK(records[0]["spanId"] == "a1b2c3d4e5f60718");
  CHECK(records[0]["timeUnixNano"] == "42");
  const Json& attributes = records[0]["attributes"];
  CHECK(attributes[0] ==
        Json::parse(R"({"key":"gen_ai.evaluation.name","value":{"stringValue":"groundedness"}})"));
  CHECK(attributes[1] ==
        Json::parse(R"({"key":"gen_ai.evaluation.score.value","value":{"doubleValue":0.25}})"));
  CHECK(attributes[2] ==
        Json::parse(R"({"key":"gen_ai.evaluation.score.label","value":{"stringValue":"fail"}})"));
  CHECK(records[1]["attributes"][1] ==
        Json::parse(R"({"key":"error.type","value":{"stringValue":"evaluation_error"}})"));
  TraceRecord langfuse = unit();
  langfuse.trace_id = "trace-abc";
  const Json fallback = otel_evaluation_logs(langfuse, {score("x", 1, true)}, 1);
  const Json& record = fallback["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
  CHECK_FALSE(record.contains("traceId"));
  CHECK(record["attributes"].back() ==
        Json::parse(R"({"key":"evalgate.trace_id","value":{"stringValue":"trace-abc"}})"));
}

TEST_CASE("the score export format follows the file name")
{
  CHECK(score_export_format("scores.otlp.jsonl") == ScoreExportFormat::otel);
  CHECK(score_export_format("out/scores.otel.json") == ScoreExportFormat::otel);
  CHECK(score_export_format("scores.jsonl") == ScoreExportFormat::langfuse);
}
