// Fuzz target: one trace reader (lib/traces), chosen at build time by EVALGATE_FUZZ_TRACE_FORMAT:
// 0 auto-detection, 1 OTLP, 2 OpenInference, 3 Langfuse, 4 LangSmith. The input is written to a
// scratch file (the readers stream from files) and read twice, lenient and strict. Invariants beyond
// "no crash, no leak, no UB, no exception": the summary counts what the sinks received; every
// record names the format read, has its trace and span ids, and holds valid UTF-8 (invalid input is
// repaired with a warning); a strict read fails exactly when the lenient read warned, and otherwise
// yields the same records; a read on two threads in tiny chunks, a read whose filter drops half the
// traces, and a sampler-fields-only read give the same warnings at the same locations and the same
// records (the filtered one: those its filter keeps).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "fuzz_support.hpp"
#include "traces/trace_reader.hpp"

namespace {

using namespace evalgate;
namespace fs = std::filesystem;

constexpr traces::TraceFormat k_formats[] = {traces::TraceFormat::auto_detect, traces::TraceFormat::otlp,
                                             traces::TraceFormat::openinference,
                                             traces::TraceFormat::langfuse, traces::TraceFormat::langsmith};

bool valid_utf8(std::string_view text)
{
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

bool record_text_is_valid(const TraceRecord& record)
{
  bool ok = valid_utf8(record.trace_id) && valid_utf8(record.span_id) && valid_utf8(record.name) &&
            valid_utf8(record.model) && valid_utf8(record.input_text) && valid_utf8(record.output_text) &&
            valid_utf8(record.system_instructions) && valid_utf8(record.error_message);
  for (const auto* messages : {&record.input_messages, &record.output_messages}) {
    for (const TraceMessage& message : *messages) {
      ok = ok && valid_utf8(message.role) && valid_utf8(message.text);
    }
  }
  for (const RetrievedDocument& document : record.retrieved_context) {
    ok = ok && valid_utf8(document.doc_id) && valid_utf8(document.content);
  }
  return ok;
}

struct ReadOutcome {
  bool ok = false;
  std::int64_t records = 0;
  std::int64_t warnings = 0;
  std::vector<std::string> record_keys; // trace id, span id and line of each record, in order
  std::vector<std::string> warning_texts;
};

enum class Variant { plain, chunked, filtered, sampler_fields };

bool keeps(std::string_view trace_id_norm)
{
  return std::hash<std::string_view>{}(trace_id_norm) % 2 == 0;
}

ReadOutcome read_once(const std::string& path, bool strict, Variant variant = Variant::plain)
{
  traces::ReadOptions options;
  options.format = k_formats[EVALGATE_FUZZ_TRACE_FORMAT];
  options.strict = strict;
  if (variant == Variant::chunked) {
    options.threads = 2;
    options.chunk_bytes = 97;
  } else if (variant == Variant::filtered) {
    options.keep = keeps;
  } else if (variant == Variant::sampler_fields) {
    options.sampler_fields_only = true;
  }
  ReadOutcome outcome;
  auto summary = traces::read_trace_file(
      path, options,
      [&](TraceRecord&& record) {
        ++outcome.records;
        outcome.record_keys.push_back(record.trace_id + "/" + record.span_id + "@" +
                                      std::to_string(record.source_line));
        fuzz::fuzz_check(!record.trace_id.empty() && !record.span_id.empty(), "a record has its ids");
        fuzz::fuzz_check(record_text_is_valid(record), "a record's text is valid UTF-8");
        if (EVALGATE_FUZZ_TRACE_FORMAT != 0) {
          fuzz::fuzz_check(record.source_format == traces::trace_format_name(options.format),
                           "a record names the format read");
        }
      },
      [&](const traces::TraceWarning& warning) {
        ++outcome.warnings;
        outcome.warning_texts.push_back(warning.location.str() + ": " + warning.message);
        fuzz::fuzz_check(!warning.message.empty(), "a warning says what is wrong");
      });
  outcome.ok = summary.has_value();
  if (summary) {
    if (variant != Variant::filtered) {
      fuzz::fuzz_check(summary->records == outcome.records, "the summary counts the records handed over");
    }
    fuzz::fuzz_check(summary->warnings == outcome.warnings, "the summary counts the warnings handed over");
  } else {
    fuzz::fuzz_check(summary.error().category == ErrorCategory::data, "a bad export is a data error");
  }
  return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const std::string path = [] {
    return (fs::temp_directory_path() / ("evalgate-fuzz-traces-" + std::to_string(getpid()) + ".jsonl")).string();
  }();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const ReadOutcome lenient = read_once(path, false);
  const ReadOutcome strict = read_once(path, true);
  if (lenient.ok) {
    fuzz::fuzz_check(strict.ok == (lenient.warnings == 0), "a strict read fails exactly when the lenient read warned");
    if (strict.ok) {
      fuzz::fuzz_check(strict.records == lenient.records, "a strict read yields the lenient read's records");
    }
  } else {
    fuzz::fuzz_check(!strict.ok, "what fails lenient fails strict");
  }
  const ReadOutcome chunked = read_once(path, false, Variant::chunked);
  fuzz::fuzz_check(chunked.ok == lenient.ok, "two threads fail exactly when one does");
  if (lenient.ok) {
    fuzz::fuzz_check(chunked.record_keys == lenient.record_keys, "two threads give the same records in order");
    fuzz::fuzz_check(chunked.warning_texts == lenient.warning_texts, "two threads give the same warnings");
    const ReadOutcome filtered = read_once(path, false, Variant::filtered);
    fuzz::fuzz_check(filtered.warning_texts == lenient.warning_texts, "a filter never changes the warnings");
    fuzz::fuzz_check(filtered.records <= lenient.records, "a filter only drops records");
    const ReadOutcome lean = read_once(path, false, Variant::sampler_fields);
    fuzz::fuzz_check(lean.record_keys == lenient.record_keys, "sampler fields only gives the same records");
    fuzz::fuzz_check(lean.warning_texts == lenient.warning_texts, "sampler fields only gives the same warnings");
  }
  return 0;
}
