#pragma once
// traces/trace_export: scored trace units going back out (docs/traces.md "Feedback"):
//   * failing units as golden dataset cases (one JSON object per JSONL line) that a suite loads
//     unchanged: id, input, output, context (the retrieved documents' contents), tags, and
//     metadata carrying the trace/span ids, model and the failing scores;
//   * scores as Langfuse ingestion events (`score-create`, shared/reference/traces.md §4.4), with a
//     deterministic id so re-exports upsert instead of duplicating;
//   * scores as OTLP logs JSON: one ExportLogsServiceRequest per unit with a
//     `gen_ai.evaluation.result` log record per metric (§2.6), parented to the scored span.
// Pure functions, thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "core/trace_record.hpp"
#include "core/types.hpp"

namespace evalgate::traces {

// True when a score of the unit failed on quality: not passed and not errored (an errored judge
// says nothing about the answer, so it does not make a golden case).
bool has_quality_failure(const std::vector<Score>& scores);

// The dataset row for a failing unit. `id` is "trace-<trace id>-<span id>".
Json failure_case(const TraceRecord& record, const std::vector<Score>& scores);

// One Langfuse ingestion event for one score; errored scores carry no value and are not exported
// (callers skip them). `timestamp` is ISO-8601 UTC.
Json langfuse_score_event(const TraceRecord& record, const Score& score, const std::string& timestamp);

// The OTLP logs request holding one gen_ai.evaluation.result record per score of the unit.
// traceId/spanId are set when the ids are W3C hex (32/16 hex digits, UUID dashes removed);
// otherwise the ids go in evalgate.trace_id / evalgate.span_id attributes.
Json otel_evaluation_logs(const TraceRecord& record, const std::vector<Score>& scores,
                          std::int64_t time_unix_nano);

enum class ScoreExportFormat { langfuse, otel };
// `.otlp.jsonl`, `.otlp.json`, `.otel.jsonl` and `.otel.json` mean OTel; anything else Langfuse.
ScoreExportFormat score_export_format(const std::string& path);

} // namespace evalgate::traces
