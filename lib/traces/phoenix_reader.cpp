// Phoenix REST spans (GET /v1/projects/{id}/spans, traces.md §3.2): {id (GlobalID), name,
// context{trace_id, span_id}, span_kind (the OpenInference kind), parent_id, start_time/end_time
// (ISO-8601), status_code (OK|ERROR|UNSET), status_message, attributes (flat dict; nested objects
// are flattened, as the OpenInference spec's own examples write them), events[{name, timestamp,
// attributes}]}. The spec's shape (span_kind = "SPAN_KIND_INTERNAL", openinference.span.kind in
// attributes) is read too. Mapped with the same OTel/OpenInference mapping as OTLP spans.

#include "traces/json_value.hpp"
#include "traces/otel_span.hpp"
#include "traces/reader_context.hpp"

namespace evalgate::traces {

namespace {

std::int64_t iso_time(ReaderContext& context, const Json& object, const char* key)
{
  const Json& value = member(object, key);
  if (value.is_null()) {
    return 0;
  }
  if (value.is_string()) {
    if (auto nanos = parse_iso8601_nanos(value.get<std::string>())) {
      return *nanos;
    }
  }
  if (auto nanos = json_int(value)) {
    return *nanos; // an OTLP-style nanosecond count
  }
  context.warn(key, "expected an ISO-8601 timestamp, found " + value.dump().substr(0, 40) + "; ignored");
  return 0;
}

} // namespace

void read_phoenix_span(ReaderContext& context, simdjson::dom::element element)
{
  const Json span = to_json(element);
  const Json& ids = member(span, "context");
  OtelSpan otel;
  for (const auto& [key, target, required] :
       {std::tuple{"trace_id", &otel.trace_id, true}, std::tuple{"span_id", &otel.span_id, true}}) {
    const Json& value = member(ids, key);
    if (!value.is_string() || value.get<std::string>().empty()) {
      if (required) {
        context.warn(std::string("context.") + key,
                     value.is_null() ? "missing; span skipped"
                                     : "expected a hex string, found " + value.dump() + "; span skipped");
        return;
      }
    } else {
      *target = to_lower(value.get<std::string>());
    }
  }
  const Json& parent =
      member(span, "parent_id").is_null() ? member(span, "parent_span_id") : member(span, "parent_id");
  if (parent.is_string()) {
    otel.parent_span_id = to_lower(parent.get<std::string>());
  } else if (!parent.is_null()) {
    context.warn("parent_id",
                 "expected a hex string or null, found " + parent.dump() + "; treated as a root");
  }
  otel.name = json_string(member(span, "name"));
  const std::string kind = json_string(member(span, "span_kind"));
  if (kind.rfind("SPAN_KIND_", 0) != 0 && kind != "UNKNOWN") {
    otel.openinference_kind = kind;
  }
  otel.start_unix_nano = iso_time(context, span, "start_time");
  otel.end_unix_nano = iso_time(context, span, "end_time");
  const std::string status = to_lower(json_string(member(span, "status_code")));
  otel.status_code = status == "error" ? 2 : status == "ok" ? 1 : 0;
  otel.status_message = json_string(member(span, "status_message"));
  const Json& attributes = member(span, "attributes");
  if (attributes.is_object()) {
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
      // Nested objects (the spec's examples) flatten like Phoenix does; `metadata` stays whole.
      if (it.value().is_object() && it.key() != "metadata") {
        flatten_into(otel.attributes, it.key(), it.value());
      } else {
        otel.attributes.add(it.key(), it.value());
      }
    }
  } else if (!attributes.is_null()) {
    context.warn("attributes", "expected an object, found " + attributes.dump().substr(0, 30) + "; ignored");
  }
  const Json& events = member(span, "events");
  if (events.is_array()) {
    for (const auto& event : events) {
      SpanEvent out;
      out.name = json_string(member(event, "name"));
      if (auto nanos = parse_iso8601_nanos(json_string(member(event, "timestamp")))) {
        out.time_unix_nano = *nanos;
      }
      const Json& event_attributes = member(event, "attributes");
      if (event_attributes.is_object()) {
        for (auto it = event_attributes.begin(); it != event_attributes.end(); ++it) {
          out.attributes.add(it.key(), it.value());
        }
      }
      otel.events.push_back(std::move(out));
    }
  }
  TraceRecord record;
  record.source_format = "openinference";
  if (member(span, "id").is_string()) {
    record.metadata["phoenix.id"] = member(span, "id");
  }
  map_otel_span(otel, record,
                [&](const std::string& field, const std::string& message) { context.warn(field, message); });
  context.emit(std::move(record));
}

} // namespace evalgate::traces
