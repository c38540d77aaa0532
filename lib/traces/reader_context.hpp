#pragma once
// traces/reader_context: what one read_trace_file call shares with the per-format readers: where
// the current record came from (file, line or element), the sinks, the counters and the strict
// stop. The format readers map one JSON value (a line, or an element of a document) each.
// Internal to lib/traces; one instance per call, single-threaded.

#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/error.hpp"
#include "core/trace_record.hpp"
#include "traces/trace_reader.hpp"

namespace evalgate::traces {

class ReaderContext {
public:
  ReaderContext(std::string path, const ReadOptions& options, const RecordSink& on_record,
                const WarningSink& on_warning, FileReadSummary& summary);

  // The record being read: a JSONL line (1-based), or an element `index` of a document (field
  // prefix "[3]" or "data[3]" names it).
  void at_line(long line);
  void at_element(long index, std::string field_prefix);

  // A located warning about the current record; `field` is a path inside it ("" = the whole record).
  void warn(const std::string& field, const std::string& message);
  // Hands a finished record to the sink (source fields are filled here), unless ReadOptions::keep
  // drops it.
  void emit(TraceRecord&& record);
  // Whether records of this trace reach the sink; a reader that asks first may map a dropped
  // record only as far as warnings need, then count it with dropped().
  bool keeps(std::string_view trace_id_norm) const
  {
    return !m_options.keep || m_options.keep(trace_id_norm);
  }
  bool sampler_fields_only() const { return m_options.sampler_fields_only; }
  void dropped()
  {
    if (!m_error) {
      ++m_summary.records;
    }
  }
  // True after a warning in strict mode: the caller stops reading.
  bool stopped() const { return m_error.has_value(); }
  const std::optional<Error>& error() const { return m_error; }

  const std::string& path() const { return m_path; }
  const char* format_name() const { return trace_format_name(m_summary.format); }
  TraceFormat format() const { return m_summary.format; }

private:
  std::string m_path;
  const ReadOptions& m_options;
  const RecordSink& m_on_record;
  const WarningSink& m_on_warning;
  FileReadSummary& m_summary;
  long m_line = 0;
  long m_element = 0;
  std::string m_field_prefix;
  std::optional<Error> m_error;
};

// One record-level JSON value of each format (an ExportTraceServiceRequest; a Phoenix span; a
// Langfuse trace or observation; a LangSmith run). They warn and skip what they cannot map.
void read_otlp_request(ReaderContext& context, simdjson::dom::element request);
void read_phoenix_span(ReaderContext& context, simdjson::dom::element span);
void read_langfuse_item(ReaderContext& context, simdjson::dom::element item);
void read_langsmith_run(ReaderContext& context, simdjson::dom::element run);

// Format sniffing of one record-level object (traces.md §6); nullopt when no rule matches.
std::optional<TraceFormat> sniff_format(simdjson::dom::element value);

} // namespace evalgate::traces
