#pragma once
// Test support for the trace readers: read a file into memory (records, warnings, summary) and
// group records by trace. Test-only; the readers themselves never keep records.

#include <map>
#include <string>
#include <vector>

#include "core/trace_record.hpp"
#include "traces/trace_assembly.hpp"
#include "traces/trace_reader.hpp"

namespace evalgate::testing {

struct ReadAll {
  evalgate::Result<evalgate::traces::FileReadSummary> summary{evalgate::traces::FileReadSummary{}};
  std::vector<evalgate::TraceRecord> records;
  std::vector<std::string> warnings; // TraceWarning as "location: message"
};

inline std::string fixture(const std::string& name)
{
  return std::string(EVALGATE_TEST_FIXTURES) + "/traces/" + name;
}

inline ReadAll read_all(const std::string& path, evalgate::traces::ReadOptions options = {})
{
  ReadAll out;
  out.summary = evalgate::traces::read_trace_file(
      path, options, [&](evalgate::TraceRecord&& record) { out.records.push_back(std::move(record)); },
      [&](const evalgate::traces::TraceWarning& warning) {
        out.warnings.push_back(warning.location.str() + ": " + warning.message);
      });
  return out;
}

inline const evalgate::TraceRecord* find_span(const std::vector<evalgate::TraceRecord>& records,
                                              const std::string& span_id)
{
  for (const auto& record : records) {
    if (record.span_id == span_id) {
      return &record;
    }
  }
  return nullptr;
}

// Records grouped by trace_id_norm, then assembled into units.
inline std::map<std::string, std::vector<evalgate::TraceRecord>>
units_by_trace(const std::vector<evalgate::TraceRecord>& records)
{
  std::map<std::string, std::vector<evalgate::TraceRecord>> traces;
  for (const auto& record : records) {
    traces[record.trace_id_norm].push_back(record);
  }
  std::map<std::string, std::vector<evalgate::TraceRecord>> out;
  for (auto& [id, spans] : traces) {
    out[id] = evalgate::traces::scorable_units(std::move(spans));
  }
  return out;
}

} // namespace evalgate::testing
