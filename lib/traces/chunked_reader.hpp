#pragma once
// traces/chunked_reader: JSON lines parsed on several threads. The calling thread reads the file
// in chunks of whole lines (about ReadOptions::chunk_bytes each) and hands them to
// ReadOptions::threads worker threads, each with its own simdjson parser and reader context; the
// records (already passed through ReadOptions::keep on the worker) and warnings of each chunk are
// handed to the sinks on the calling thread in file order, with line numbers made absolute, so the
// sinks see exactly what a one-thread read gives them. Memory: at most 2 × threads chunks and their
// kept records in flight. Internal to lib/traces.

#include <cstdio>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "traces/trace_reader.hpp"

namespace evalgate::traces {

// Reads `file` (positioned at its start) when its first non-blank line is a JSON value whose first
// record has a known (or given) format; then `summary.format`/`detected` are set and the result
// is the read's. Returns nullopt, with the file rewound, when the file must be read on one thread
// (empty, a single multi-line JSON document, an undetectable or broken first line: the one-thread
// reader gives those their exact warnings and errors).
std::optional<Result<void>> read_jsonl_chunked(std::FILE* file, const std::string& path,
                                               const ReadOptions& options, const RecordSink& on_record,
                                               const WarningSink& on_warning, FileReadSummary& summary);

} // namespace evalgate::traces
