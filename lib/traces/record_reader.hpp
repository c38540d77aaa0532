#pragma once
// traces/record_reader: hands each record-level JSON value of a file (a JSONL line, an element of
// a top-level array or of a `data[]` page) to its format's reader, sniffing the format on the
// first record when it is not given. Shared by the one-thread and the chunked JSONL readers.
// Internal to lib/traces; one instance per reading thread.

#include <string>
#include <string_view>

#include <simdjson.h>

#include "core/result.hpp"
#include "traces/reader_context.hpp"

namespace evalgate::traces {

// Parses one JSON line in place (the line must be followed by SIMDJSON_PADDING readable bytes).
// Invalid UTF-8 is repaired into `repaired` (which `root` then points into) with a warning.
simdjson::error_code parse_json_line(simdjson::dom::parser& parser, std::string_view line,
                                     ReaderContext& context, simdjson::padded_string& repaired,
                                     simdjson::dom::element& root);

inline bool has_key(simdjson::dom::element object, std::string_view key)
{
  simdjson::dom::element ignored;
  return object.is_object() && object[key].get(ignored) == simdjson::SUCCESS;
}

std::string key_list(simdjson::dom::element object);

class RecordReader {
public:
  RecordReader(ReaderContext& context, FileReadSummary& summary) : m_context(context), m_summary(summary) {}

  // Every element of `array` as a record, located as `<path>[i]`.
  Result<void> records(simdjson::dom::element array, const std::string& path)
  {
    long i = 0;
    for (simdjson::dom::element item : simdjson::dom::array(array)) {
      m_context.at_element(i, path + "[" + std::to_string(i) + "]");
      ++i;
      auto ok = record(item);
      if (!ok) {
        return ok;
      }
      if (m_context.stopped()) {
        return {};
      }
    }
    return {};
  }

  // One top-level JSON value (a JSONL line, or the whole document).
  Result<void> value(simdjson::dom::element root, bool document)
  {
    if (root.is_array()) {
      return records(root, "");
    }
    simdjson::dom::element data;
    if (root.is_object() && !has_key(root, "resourceSpans") && root["data"].get(data) == simdjson::SUCCESS &&
        data.is_array()) {
      return records(data, "data");
    }
    if (document) {
      m_context.at_element(0, "");
    }
    return record(root);
  }

  bool sniffed() const { return m_summary.format != TraceFormat::auto_detect; }

private:
  Result<void> record(simdjson::dom::element item)
  {
    if (!item.is_object()) {
      m_context.warn("",
                     "expected a JSON object, found " + simdjson::minify(item).substr(0, 30) + "; skipped");
      return {};
    }
    if (m_summary.format == TraceFormat::auto_detect) {
      auto format = sniff_format(item);
      if (!format) {
        return fail(
            ErrorCategory::data,
            "cannot detect the trace format: the first record has " + key_list(item) +
                "; expected OTLP/JSON (resourceSpans), Phoenix/OpenInference spans (context.span_id + "
                "span_kind), Langfuse traces or observations, or LangSmith runs (run_type + "
                "dotted_order); name the format explicitly if it is one of these",
            Location{m_context.path(), 0, 0, 0, ""});
      }
      m_summary.format = *format;
      m_summary.detected = true;
    }
    switch (m_summary.format) {
    case TraceFormat::otlp:
      read_otlp_request(m_context, item);
      break;
    case TraceFormat::openinference:
      read_phoenix_span(m_context, item);
      break;
    case TraceFormat::langfuse:
      read_langfuse_item(m_context, item);
      break;
    case TraceFormat::langsmith:
      read_langsmith_run(m_context, item);
      break;
    case TraceFormat::auto_detect:
      break;
    }
    return {};
  }

  ReaderContext& m_context;
  FileReadSummary& m_summary;
};

} // namespace evalgate::traces
