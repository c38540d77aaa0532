// trace_read_bench: reads trace exports with the real readers and assembles every trace with
// scorable_units(), streaming: a trace is assembled once no span of it has been seen for
// `--window` records (spans of one trace sit close together in collector output), so memory
// stays flat in the file size. Prints bytes, seconds, MB/s, records, traces, units and warnings.
//
// --threads N parses on N threads (ReadOptions::threads; records still arrive in file order).
//
//   trace_read_bench [--parse-only] [--window N] [--threads N] FILE...

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "traces/trace_assembly.hpp"
#include "traces/trace_reader.hpp"

using namespace evalgate;

namespace {

struct Pending {
  std::vector<TraceRecord> spans;
  long last_seen = 0;
};

} // namespace

int main(int argc, char** argv)
{
  bool parse_only = false;
  traces::ReadOptions options;
  long window = 2000;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--parse-only") == 0) {
      parse_only = true;
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      options.threads = std::stoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--window") == 0 && i + 1 < argc) {
      window = std::stol(argv[++i]);
    } else {
      files.emplace_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: trace_read_bench [--parse-only] [--window N] [--threads N] FILE...\n");
    return 2;
  }
  std::unordered_map<std::string, Pending> pending;
  long seen = 0;
  long traces = 0;
  long units = 0;
  long context_docs = 0;
  auto assemble = [&](std::vector<TraceRecord>&& spans) {
    auto out = traces::scorable_units(std::move(spans));
    ++traces;
    units += static_cast<long>(out.size());
    for (const auto& unit : out) {
      context_docs += static_cast<long>(unit.retrieved_context.size());
    }
  };
  auto flush_old = [&](bool all) {
    for (auto it = pending.begin(); it != pending.end();) {
      if (all || seen - it->second.last_seen > window) {
        assemble(std::move(it->second.spans));
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
  };

  std::uint64_t bytes = 0;
  long records = 0;
  long warnings = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& file : files) {
    auto summary = traces::read_trace_file(
        file, options,
        [&](TraceRecord&& record) {
          ++seen;
          if (parse_only) {
            return;
          }
          auto& slot = pending[record.trace_id_norm];
          slot.last_seen = seen;
          slot.spans.push_back(std::move(record));
          if (seen % window == 0) {
            flush_old(false);
          }
        },
        [&](const traces::TraceWarning&) {});
    if (!summary) {
      std::fprintf(stderr, "%s\n", summary.error().str().c_str());
      return 1;
    }
    bytes += summary->bytes;
    records += summary->records;
    warnings += summary->warnings;
  }
  flush_old(true);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double mb = static_cast<double>(bytes) / (1024.0 * 1024.0);
  std::printf("%s: %.1f MB in %.2f s = %.1f MB/s; %ld records, %ld traces, %ld units, %ld context docs, %ld "
              "warnings\n",
              parse_only ? "parse" : "parse+assemble", mb, seconds, mb / seconds, records, traces, units,
              context_docs, warnings);
  return 0;
}
