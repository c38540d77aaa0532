#pragma once
// traces/trace_filter: the `--where` conditions of `evalgate traces score` (docs/traces.md).
// A condition is KEY=VALUE with KEY one of model, name, status, since, until or attribute:NAME.
// Conditions are ANDed and tested on one record; the sampler keeps a trace when at least one of
// its records passes every condition (the sampling unit is the whole trace). Pure, thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/trace_record.hpp"

namespace evalgate::traces {

struct WhereCondition {
  enum class Field { model, name, status, since, until, attribute };
  Field field = Field::model;
  std::string key;            // the attribute name for Field::attribute
  std::string value;          // as written
  std::int64_t unix_nano = 0; // since/until: the parsed time
};

// Parses one `--where` argument. Errors (usage) name the argument and what was expected:
// "--where 'colour=red': unknown key 'colour'; expected model, name, status, since, until or
// attribute:KEY".
Result<WhereCondition> parse_where(const std::string& text);

// ISO-8601 UTC time ("2026-08-01", "2026-08-01T12:00:00Z", fractional seconds and +hh:mm
// offsets accepted) → nanoseconds since the epoch. Errors (usage) quote the text.
Result<std::int64_t> parse_iso_time(const std::string& text);

// True when `record` passes every condition (an empty list passes everything). status compares
// with trace_status_name(); attribute:KEY looks at metadata "KEY", then "raw.KEY", compared as
// text (strings unquoted, other JSON values dumped); since/until compare start_unix_nano
// (since inclusive, until exclusive).
bool record_matches(const TraceRecord& record, const std::vector<WhereCondition>& conditions);

// The text of attribute KEY of a record ("" when absent), as record_matches compares it.
std::string attribute_text(const TraceRecord& record, const std::string& key);

} // namespace evalgate::traces
