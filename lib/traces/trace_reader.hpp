#pragma once
// traces/trace_reader: streams production trace exports into TraceRecords (one per span-like unit),
// for every format of shared/reference/traces.md. Readers never keep records: each is handed to the
// sink as soon as it is parsed, so memory stays flat in the file size. Malformed input (truncated
// line, wrong types, missing ids, invalid UTF-8) is a located warning handed to the warning sink and
// counted, never a crash; with `strict` the first warning ends the read as an error.
// Not thread-safe per call; separate calls may run on separate threads.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/result.hpp"
#include "core/trace_record.hpp"

namespace evalgate::traces {

enum class TraceFormat { auto_detect, otlp, openinference, langfuse, langsmith };
const char* trace_format_name(TraceFormat format); // "auto", "otlp", "openinference", ...
std::optional<TraceFormat> trace_format_from_name(std::string_view name);

struct TraceWarning {
  Location location; // file and line (JSONL) or element index; field when one is to blame
  std::string message;
};

struct ReadOptions {
  TraceFormat format = TraceFormat::auto_detect;
  bool strict = false;
};

struct FileReadSummary {
  std::string path;
  TraceFormat format = TraceFormat::auto_detect; // the format read (detected or given)
  bool detected = false;                         // true when auto-detection chose `format`
  std::int64_t records = 0;
  std::int64_t warnings = 0;
  std::uint64_t bytes = 0;
};

using RecordSink = std::function<void(TraceRecord&&)>;
using WarningSink = std::function<void(const TraceWarning&)>;

// Reads one file. Errors (category data): unreadable file, a format that cannot be detected, or,
// with options.strict, the first warning.
Result<FileReadSummary> read_trace_file(const std::string& path, const ReadOptions& options,
                                        const RecordSink& on_record, const WarningSink& on_warning);

} // namespace evalgate::traces
