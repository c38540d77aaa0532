// read_trace_file: opens a trace export, decides JSONL vs one JSON document, sniffs the format
// (traces.md §6) unless given, and hands each record-level value to its format's reader. JSONL is
// read in blocks and parsed one line at a time (simdjson DOM, buffers reused), so memory is flat in
// the file size; a single JSON document is necessarily read whole.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include <simdjson.h>

#include "traces/chunked_reader.hpp"
#include "traces/json_value.hpp"
#include "traces/reader_context.hpp"
#include "traces/record_reader.hpp"
#include "traces/trace_reader.hpp"
#include "traces/trace_sampler.hpp"

namespace evalgate::traces {

ReaderContext::ReaderContext(std::string path, const ReadOptions& options, const RecordSink& on_record,
                             const WarningSink& on_warning, FileReadSummary& summary)
    : m_path(std::move(path)), m_options(options), m_on_record(on_record), m_on_warning(on_warning),
      m_summary(summary)
{
}

void ReaderContext::at_line(long line)
{
  m_line = line;
  m_element = 0;
  m_field_prefix.clear();
}

void ReaderContext::at_element(long index, std::string field_prefix)
{
  m_element = index;
  m_field_prefix = std::move(field_prefix);
}

void ReaderContext::warn(const std::string& field, const std::string& message)
{
  if (m_error) {
    return;
  }
  TraceWarning warning;
  warning.location.file = m_path;
  warning.location.line = static_cast<int>(m_line);
  if (!m_field_prefix.empty() && !field.empty()) {
    warning.location.field = m_field_prefix + (field.front() == '[' ? "" : ".") + field;
  } else {
    warning.location.field = m_field_prefix.empty() ? field : m_field_prefix;
  }
  warning.message = message;
  ++m_summary.warnings;
  if (m_on_warning) {
    m_on_warning(warning);
  }
  if (m_options.strict) {
    m_error = make_error(ErrorCategory::data, warning.message, warning.location);
  }
}

void ReaderContext::emit(TraceRecord&& record)
{
  if (m_error) {
    return;
  }
  ++m_summary.records;
  if (m_options.keep && !m_options.keep(sampling_id(record))) {
    return; // before the source fields: a dropped record costs no copies
  }
  record.source_file = m_path;
  record.source_line = m_line > 0 ? m_line : m_element + 1;
  if (record.source_format.empty()) {
    record.source_format = trace_format_name(m_summary.format);
  }
  if (m_on_record) {
    m_on_record(std::move(record));
  }
}

namespace {

using simdjson::dom::element;

constexpr std::size_t k_block = std::size_t{1} << 22;

// Reads a file line by line in large blocks. Each line handed out is followed by at least
// SIMDJSON_PADDING readable bytes, so simdjson can parse it in place without a copy.
class LineReader {
public:
  explicit LineReader(std::FILE* file) : m_file(file), m_buffer(k_block + simdjson::SIMDJSON_PADDING) {}

  bool next(std::string_view& line)
  {
    for (;;) {
      if (m_begin < m_end) {
        const void* found = std::memchr(m_buffer.data() + m_begin, '\n', m_end - m_begin);
        if (found != nullptr) {
          const std::size_t newline = static_cast<const char*>(found) - m_buffer.data();
          line = std::string_view(m_buffer.data() + m_begin, newline - m_begin);
          m_begin = newline + 1;
          strip_cr(line);
          return true;
        }
      }
      if (m_eof) {
        if (m_begin < m_end) {
          line = std::string_view(m_buffer.data() + m_begin, m_end - m_begin);
          m_begin = m_end;
          strip_cr(line);
          return true;
        }
        return false;
      }
      fill();
    }
  }

  std::uint64_t bytes() const { return m_bytes; }

private:
  static void strip_cr(std::string_view& line)
  {
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
  }

  void fill()
  {
    if (m_begin > 0) {
      std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
      m_end -= m_begin;
      m_begin = 0;
    }
    const std::size_t usable = m_buffer.size() - simdjson::SIMDJSON_PADDING;
    if (m_end == usable) {
      // A line longer than the buffer: grow (the line has to be whole to be parsed).
      m_buffer.resize(usable * 2 + simdjson::SIMDJSON_PADDING);
    }
    const std::size_t room = m_buffer.size() - simdjson::SIMDJSON_PADDING - m_end;
    const std::size_t got = std::fread(m_buffer.data() + m_end, 1, room, m_file);
    m_end += got;
    m_bytes += got;
    if (got < room) {
      m_eof = true;
    }
  }

  std::FILE* m_file;
  std::vector<char> m_buffer;
  std::size_t m_begin = 0;
  std::size_t m_end = 0;
  bool m_eof = false;
  std::uint64_t m_bytes = 0;
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// What a file that is not JSON probably is (traces.md §1.3: the file exporter's proto or zstd output).
std::string binary_hint(const unsigned char* bytes, std::size_t n)
{
  if (n >= 4 && bytes[0] == 0x28 && bytes[1] == 0xB5 && bytes[2] == 0x2F && bytes[3] == 0xFD) {
    return "it is zstd-compressed (the collector file exporter's `compression: zstd`); decompress it "
           "(zstd -d) or configure the exporter with `format: json` and no compression";
  }
  if (n >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B) {
    return "it is gzip-compressed; decompress it first (gunzip)";
  }
  return "it looks like length-prefixed protobuf (the collector file exporter's `format: proto`); "
         "configure the exporter with `format: json` and no compression";
}

std::string hex_byte(unsigned char byte)
{
  char text[8];
  std::snprintf(text, sizeof text, "0x%02x", byte);
  return text;
}

// A single JSON document is read whole; beyond this size a first line that does not parse is taken
// for a broken JSONL line rather than the start of a document.
constexpr std::uintmax_t k_max_document_bytes = std::uintmax_t{1} << 30;

} // namespace

std::string key_list(element object)
{
  std::string out;
  if (!object.is_object()) {
    return "not an object";
  }
  int n = 0;
  for (auto field : simdjson::dom::object(object)) {
    if (n++ == 8) {
      out += ", …";
      break;
    }
    out += (out.empty() ? "" : ", ") + std::string(field.key);
  }
  return out.empty() ? "no keys" : "keys " + out;
}

simdjson::error_code parse_json_line(simdjson::dom::parser& parser, std::string_view line,
                                     ReaderContext& context, simdjson::padded_string& repaired, element& root)
{
  auto error = parser.parse(line.data(), line.size(), false).get(root);
  if (error == simdjson::UTF8_ERROR) {
    std::size_t replaced = 0;
    repaired = simdjson::padded_string(repair_utf8(line, &replaced));
    context.warn("", "invalid UTF-8: " + std::to_string(replaced) +
                         " byte(s) replaced by U+FFFD (the rest of the line is kept)");
    error = parser.parse(repaired).get(root);
  }
  return error;
}

std::optional<TraceFormat> sniff_format(element value)
{
  if (!value.is_object()) {
    return std::nullopt;
  }
  if (has_key(value, "resourceSpans") || has_key(value, "resource_spans")) {
    return TraceFormat::otlp;
  }
  element context;
  if (value["context"].get(context) == simdjson::SUCCESS && has_key(context, "span_id") &&
      (has_key(value, "span_kind") || has_key(value, "attributes"))) {
    return TraceFormat::openinference;
  }
  if (has_key(value, "run_type") && (has_key(value, "dotted_order") || has_key(value, "trace_id"))) {
    return TraceFormat::langsmith;
  }
  if (has_key(value, "observations")) {
    return TraceFormat::langfuse;
  }
  std::string_view type;
  if (has_key(value, "traceId") && value["type"].get(type) == simdjson::SUCCESS) {
    static const char* const k_types[] = {"SPAN",  "GENERATION", "EVENT",     "AGENT",     "TOOL",
                                          "CHAIN", "RETRIEVER",  "EVALUATOR", "EMBEDDING", "GUARDRAIL"};
    for (const char* known : k_types) {
      if (type == known) {
        return TraceFormat::langfuse;
      }
    }
  }
  if (has_key(value, "htmlPath") || (has_key(value, "sessionId") && has_key(value, "timestamp"))) {
    return TraceFormat::langfuse;
  }
  return std::nullopt;
}

Result<FileReadSummary> read_trace_file(const std::string& path, const ReadOptions& options,
                                        const RecordSink& on_record, const WarningSink& on_warning)
{
  FileReadSummary summary;
  summary.path = path;
  summary.format = options.format;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return fail(ErrorCategory::data, std::string("cannot open trace file: ") + std::strerror(errno),
                Location{path, 0, 0, 0, ""});
  }
  // The first bytes decide JSON or not; a BOM and leading whitespace are skipped.
  unsigned char head[64] = {};
  const std::size_t head_n = std::fread(head, 1, sizeof head, file.get());
  std::size_t first = 0;
  if (head_n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) {
    first = 3;
  }
  while (first < head_n &&
         (head[first] == ' ' || head[first] == '\n' || head[first] == '\r' || head[first] == '\t')) {
    ++first;
  }
  if (first < head_n && head[first] != '{' && head[first] != '[') {
    return fail(ErrorCategory::data,
                "not a JSON trace export (first byte " + hex_byte(head[first]) +
                    "): " + binary_hint(head + first, head_n - first),
                Location{path, 0, 0, 0, ""});
  }
  std::rewind(file.get());

  if (options.threads > 1) {
    if (auto read = read_jsonl_chunked(file.get(), path, options, on_record, on_warning, summary)) {
      if (!*read) {
        return fail(read->error());
      }
      return summary;
    }
  }
  ReaderContext context(path, options, on_record, on_warning, summary);
  RecordReader reader(context, summary);
  simdjson::dom::parser parser;
  LineReader lines(file.get());
  std::string_view line;
  long line_number = 0;
  // A first line that does not parse is either a broken JSONL line or the start of a single
  // (pretty-printed) JSON document: the second line decides (it parses on its own only in JSONL).
  enum class Start { at_first, first_failed, reading } start = Start::at_first;
  long failed_line = 0;
  simdjson::error_code failed_error = simdjson::SUCCESS;
  bool document_read = false;
  auto try_document = [&]() -> Result<void> {
    std::error_code size_error;
    const auto size = std::filesystem::file_size(path, size_error);
    simdjson::padded_string whole;
    if (size_error || size > k_max_document_bytes ||
        simdjson::padded_string::load(path).get(whole) != simdjson::SUCCESS) {
      return {};
    }
    element document;
    if (parser.parse(whole).get(document) != simdjson::SUCCESS) {
      return {};
    }
    document_read = true;
    summary.bytes = whole.size();
    return reader.value(document, true);
  };
  auto warn_failed = [&]() {
    context.at_line(failed_line);
    context.warn("",
                 std::string("not valid JSON (") + simdjson::error_message(failed_error) + "); line skipped");
  };
  while (lines.next(line)) {
    ++line_number;
    if (line_number == 1 && line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF) {
      line.remove_prefix(3); // BOM
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      continue;
    }
    context.at_line(line_number);
    element root;
    simdjson::padded_string repaired;
    auto error = parse_json_line(parser, line, context, repaired, root);
    if (start == Start::at_first && error != simdjson::SUCCESS) {
      start = Start::first_failed;
      failed_line = line_number;
      failed_error = error;
      continue;
    }
    if (start == Start::first_failed) {
      start = Start::reading;
      if (error != simdjson::SUCCESS) {
        auto ok = try_document();
        if (!ok) {
          return fail(ok.error());
        }
        if (document_read) {
          break;
        }
      }
      warn_failed();
      context.at_line(line_number);
      if (error == simdjson::SUCCESS) {
        // The parser was reused by try_document only when this line failed; re-parse to be safe.
        error = parser.parse(line.data(), line.size(), false).get(root);
      }
    }
    start = Start::reading;
    if (error != simdjson::SUCCESS) {
      context.warn("", std::string("not valid JSON (") + simdjson::error_message(error) + "); line skipped");
    } else {
      auto ok = reader.value(root, false);
      if (!ok) {
        return fail(ok.error());
      }
    }
    if (context.error()) {
      return fail(*context.error());
    }
  }
  if (start == Start::first_failed) {
    auto ok = try_document();
    if (!ok) {
      return fail(ok.error());
    }
    if (!document_read) {
      warn_failed();
    }
  }
  if (context.error()) {
    return fail(*context.error());
  }
  if (document_read) {
    return summary;
  }
  summary.bytes = lines.bytes();
  if (!reader.sniffed() && summary.warnings > 0 && options.format == TraceFormat::auto_detect) {
    return fail(ErrorCategory::data,
                "cannot detect the trace format: no line is a valid JSON record (" +
                    std::to_string(summary.warnings) + " warning(s))",
                Location{path, 0, 0, 0, ""});
  }
  return summary;
}

} // namespace evalgate::traces
