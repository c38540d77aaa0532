#pragma once
// traces/trace_reader: streams production trace exports into TraceRecords (one per span-like unit),
// for every format of shared/reference/traces.md. Readers never keep records: each is handed to the
// sink as soon as it is parsed, so memory stays flat in the file size. Malformed input (truncated
// line, wrong types, missing ids, invalid UTF-8) is a located warning handed to the warning sink and
// counted, never a crash; with `strict` the first warning ends the read as an error.
// Not thread-safe per call; separate calls may run on separate threads.

#include <cstddef>
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

using RecordSink = std::function<void(TraceRecord&&)>;

struct TraceWarning {
  Location location; // file and line (JSONL) or element index; field when one is to blame
  std::string message;
};

// Decides from a record's trace id (its trace_id_norm: what sampling hashes) whether the record
// goes to the record sink; readers skip the work only a kept record needs (raw.* metadata, cost),
// never what can warn. With threads > 1 it is called on the reader's worker threads,
// concurrently: it must be thread-safe.
using RecordFilter = std::function<bool(std::string_view trace_id_norm)>;

inline constexpr std::size_t k_default_chunk_bytes = std::size_t{4} << 20;

using WarningSink = std::function<void(const TraceWarning&)>;

struct ReadOptions {
  TraceFormat format = TraceFormat::auto_detect;
  bool strict = false;
  // JSON lines are parsed on this many threads, in chunks of whole lines of about chunk_bytes;
  // records and warnings still reach the sinks on the calling thread, in file order, with the
  // same locations as a one-thread read. A single JSON document is read on one thread.
  int threads = 1;
  std::size_t chunk_bytes = k_default_chunk_bytes;
  RecordFilter keep; // empty = every record; records it drops are still counted in the summary
  // Records carry only what the sampler reads without --where/--stratify-by attribute:KEY: ids,
  // kind, name, model, provider, times, status (no messages, texts, documents, tools, cost,
  // session, tags or metadata). Warnings are the same. OTLP only; other formats give full records.
  bool sampler_fields_only = false;
};

struct FileReadSummary {
  std::string path;
  TraceFormat format = TraceFormat::auto_detect; // the format read (detected or given)
  bool detected = false;                         // true when auto-detection chose `format`
  std::int64_t records = 0;
  std::int64_t warnings = 0;
  std::uint64_t bytes = 0;
};

// Reads one file. Errors (category data): unreadable file, a format that cannot be detected, or,
// with options.strict, the first warning.
Result<FileReadSummary> read_trace_file(const std::string& path, const ReadOptions& options,
                                        const RecordSink& on_record, const WarningSink& on_warning);

} // namespace evalgate::traces
