// OTLP/JSON (ExportTraceServiceRequest / TracesData), traces.md §1: resourceSpans → scopeSpans →
// spans; hex ids in any case (normalised to lowercase); int64 as decimal strings or numbers; every
// AnyValue kind; proto3 defaults (absent status/kind/parent).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "traces/json_value.hpp"
#include "traces/otel_span.hpp"
#include "traces/reader_context.hpp"

namespace evalgate::traces {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The JSON path of what is being read, built only when a warning needs it (building it for every
// attribute would cost more than parsing).
class JsonPath {
public:
  struct Part {
    std::string_view key;
    long index = -1;
  };
  class Guard {
  public:
    Guard(JsonPath& path, std::string_view key, long index = -1) : m_path(path)
    {
      path.m_parts.push_back({key, index});
    }
    ~Guard() { m_path.m_parts.pop_back(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

  private:
    JsonPath& m_path;
  };
  std::string str(std::string_view leaf = {}) const
  {
    std::string out;
    auto add = [&](std::string_view key, long index) {
      if (!key.empty()) {
        if (!out.empty()) {
          out += '.';
        }
        out += key;
      }
      if (index >= 0) {
        out += '[' + std::to_string(index) + ']';
      }
    };
    for (const auto& part : m_parts) {
      add(part.key, part.index);
    }
    add(leaf, -1);
    return out;
  }

private:
  std::vector<Part> m_parts;
};

class OtlpReader {
public:
  explicit OtlpReader(ReaderContext& context) : m_context(context) {}

  void read(element request)
  {
    element resource_spans;
    std::string_view key = "resourceSpans";
    if (request[key].get(resource_spans) != simdjson::SUCCESS) {
      key = "resource_spans";
      if (request[key].get(resource_spans) != simdjson::SUCCESS) {
        m_context.warn("resourceSpans", "missing; not an OTLP ExportTraceServiceRequest, record skipped");
        return;
      }
    }
    if (!resource_spans.is_array()) {
      m_context.warn("resourceSpans", "expected an array; record skipped");
      return;
    }
    long ri = 0;
    for (element resource_span : simdjson::dom::array(resource_spans)) {
      JsonPath::Guard guard(m_path, "resourceSpans", ri++);
      read_resource_spans(resource_span);
      if (m_context.stopped()) {
        return;
      }
    }
  }

private:
  void warn(std::string_view leaf, const std::string& message) { m_context.warn(m_path.str(leaf), message); }

  void read_resource_spans(element resource_span)
  {
    AttributeBag resource_attributes;
    element resource;
    if (resource_span["resource"].get(resource) == simdjson::SUCCESS) {
      element attributes;
      if (resource["attributes"].get(attributes) == simdjson::SUCCESS) {
        JsonPath::Guard guard(m_path, "resource");
        read_attributes(attributes, resource_attributes);
      }
    }
    Json resource_metadata = Json::object();
    resource_attributes.unread_into(resource_metadata);
    element scope_spans;
    if (resource_span["scopeSpans"].get(scope_spans) != simdjson::SUCCESS &&
        resource_span["instrumentationLibrarySpans"].get(scope_spans) != simdjson::SUCCESS) {
      return;
    }
    if (!scope_spans.is_array()) {
      warn("scopeSpans", "expected an array; skipped");
      return;
    }
    long si = 0;
    for (element scope_span : simdjson::dom::array(scope_spans)) {
      JsonPath::Guard guard(m_path, "scopeSpans", si++);
      std::string scope_name;
      element scope;
      if (scope_span["scope"].get(scope) == simdjson::SUCCESS ||
          scope_span["instrumentationLibrary"].get(scope) == simdjson::SUCCESS) {
        std::string_view name;
        if (scope["name"].get(name) == simdjson::SUCCESS) {
          scope_name = std::string(name);
        }
      }
      element spans;
      if (scope_span["spans"].get(spans) != simdjson::SUCCESS) {
        continue;
      }
      if (!spans.is_array()) {
        warn("spans", "expected an array; skipped");
        continue;
      }
      long i = 0;
      for (element span : simdjson::dom::array(spans)) {
        JsonPath::Guard span_guard(m_path, "spans", i++);
        read_span(span, resource_metadata, scope_name);
        if (m_context.stopped()) {
          return;
        }
      }
    }
  }

  // An id: a hex string in any case; lowercase out. "" when absent (empty is allowed for parents).
  bool read_id(const std::optional<element>& value, const char* key, bool required, std::string& out)
  {
    if (!value || value->is_null()) {
      if (required) {
        warn(key, "missing; span skipped");
      }
      return !required;
    }
    std::string_view text;
    if (value->get(text) != simdjson::SUCCESS) {
      warn(key, "expected a hex string, found " + type_name(*value) + "; span skipped");
      return false;
    }
    if (text.empty()) {
      if (required) {
        warn(key, "empty; span skipped");
      }
      return !required;
    }
    if (!is_hex(text)) {
      warn(key, "'" + std::string(text.substr(0, 40)) + "' is not a hex id; kept as given");
    }
    out = to_lower(text);
    return true;
  }

  std::int64_t read_time(const std::optional<element>& value, const char* key)
  {
    if (!value || value->is_null()) {
      return 0;
    }
    return time_value(*value, key);
  }

  std::int64_t read_time(element object, const char* key)
  {
    element value;
    if (object[key].get(value) != simdjson::SUCCESS || value.is_null()) {
      return 0;
    }
    return time_value(value, key);
  }

  std::int64_t time_value(element value, const char* key)
  {
    std::int64_t out = 0;
    std::uint64_t unsigned_out = 0;
    std::string_view text;
    if (value.get(out) == simdjson::SUCCESS) {
      return out;
    }
    if (value.get(unsigned_out) == simdjson::SUCCESS) {
      return static_cast<std::int64_t>(unsigned_out);
    }
    if (value.get(text) == simdjson::SUCCESS) {
      if (auto parsed = parse_int64(text)) {
        return *parsed;
      }
    }
    warn(key, "expected nanoseconds as a decimal string or integer, found " +
                  simdjson::minify(value).substr(0, 40) + "; ignored");
    return 0;
  }

  void read_span(element span, const Json& resource_metadata, const std::string& scope)
  {
    if (!span.is_object()) {
      warn("", "expected a span object, found " + type_name(span) + "; skipped");
      return;
    }
    // One pass over the span's members instead of a lookup per member.
    std::optional<element> trace_id, span_id, parent_id, start, end, status, attributes, events;
    std::string_view name;
    std::string_view trace_state;
    for (auto field : simdjson::dom::object(span)) {
      const std::string_view key = field.key;
      if (key == "traceId") {
        trace_id = field.value;
      } else if (key == "spanId") {
        span_id = field.value;
      } else if (key == "parentSpanId") {
        parent_id = field.value;
      } else if (key == "name") {
        if (field.value.get(name) != simdjson::SUCCESS) {
          name = {};
        }
      } else if (key == "startTimeUnixNano") {
        start = field.value;
      } else if (key == "endTimeUnixNano") {
        end = field.value;
      } else if (key == "status") {
        status = field.value;
      } else if (key == "attributes") {
        attributes = field.value;
      } else if (key == "events") {
        events = field.value;
      } else if (key == "traceState") {
        if (field.value.get(trace_state) != simdjson::SUCCESS) {
          trace_state = {};
        }
      }
    }
    OtelSpan otel;
    if (!read_id(trace_id, "traceId", true, otel.trace_id) ||
        !read_id(span_id, "spanId", true, otel.span_id) ||
        !read_id(parent_id, "parentSpanId", false, otel.parent_span_id)) {
      return;
    }
    otel.name = std::string(name);
    otel.start_unix_nano = read_time(start, "startTimeUnixNano");
    otel.end_unix_nano = read_time(end, "endTimeUnixNano");
    if (status && status->is_object()) {
      element code;
      if ((*status)["code"].get(code) == simdjson::SUCCESS) {
        std::int64_t c = 0;
        std::string_view text;
        if (code.get(c) == simdjson::SUCCESS) {
          otel.status_code = static_cast<int>(c);
        } else if (code.get(text) == simdjson::SUCCESS) {
          // Enum names are not allowed by the spec but some exporters write them.
          otel.status_code = text == "STATUS_CODE_ERROR" || text == "ERROR" ? 2
                             : text == "STATUS_CODE_OK" || text == "OK"     ? 1
                                                                            : 0;
        }
      }
      std::string_view message;
      if ((*status)["message"].get(message) == simdjson::SUCCESS) {
        otel.status_message = std::string(message);
      }
    }
    if (attributes) {
      read_attributes(*attributes, otel.attributes);
    }
    if (events && events->is_array()) {
      long i = 0;
      for (element event : simdjson::dom::array(*events)) {
        JsonPath::Guard guard(m_path, "events", i++);
        SpanEvent out;
        std::string_view event_name;
        if (event["name"].get(event_name) == simdjson::SUCCESS) {
          out.name = std::string(event_name);
        }
        out.time_unix_nano = read_time(event, "timeUnixNano");
        element event_attributes;
        if (event["attributes"].get(event_attributes) == simdjson::SUCCESS) {
          read_attributes(event_attributes, out.attributes);
        }
        otel.events.push_back(std::move(out));
      }
    }
    TraceRecord record;
    record.trace_id_norm = normalise_trace_id(otel.trace_id);
    if (!m_context.keeps(record.trace_id_norm)) {
      // Mapped only for its warnings: no metadata, cost or copy to the sink.
      map_otel_span(
          otel, record, [&](const std::string& field, const std::string& message) { warn(field, message); },
          MapDetail::warnings);
      m_context.dropped();
      return;
    }
    if (m_context.sampler_fields_only()) {
      map_otel_span(
          otel, record, [&](const std::string& field, const std::string& message) { warn(field, message); },
          MapDetail::sampler);
      m_context.emit(std::move(record));
      return;
    }
    record.source_format = "otlp";
    if (!trace_state.empty()) {
      record.metadata["otel.trace_state"] = std::string(trace_state);
    }
    if (!scope.empty()) {
      record.metadata["otel.scope.name"] = scope;
    }
    map_otel_span(otel, record,
                  [&](const std::string& field, const std::string& message) { warn(field, message); });
    for (auto it = resource_metadata.begin(); it != resource_metadata.end(); ++it) {
      record.metadata.emplace(it.key(), it.value()); // the span's own attribute wins
    }
    m_context.emit(std::move(record));
  }

  void read_attributes(element attributes, AttributeBag& out)
  {
    if (!attributes.is_array()) {
      warn("attributes", "expected an array of {key, value}; ignored");
      return;
    }
    long i = 0;
    for (element attribute : simdjson::dom::array(attributes)) {
      JsonPath::Guard guard(m_path, "attributes", i++);
      // One pass over {key, value} instead of two lookups; a stringValue is the common case.
      std::string_view key;
      bool has_key = false;
      std::optional<element> value;
      if (attribute.is_object()) {
        for (auto field : simdjson::dom::object(attribute)) {
          if (field.key == "key") {
            has_key = field.value.get(key) == simdjson::SUCCESS;
          } else if (field.key == "value") {
            value = field.value;
          }
        }
      }
      if (!has_key) {
        warn("key", "missing or not a string; attribute ignored");
        continue;
      }
      if (!value) {
        out.add(std::string(key), nullptr);
        continue;
      }
      // The common case, a string, stays a view into the parsed line until the mapping copies it.
      std::string_view text;
      if (value->is_object()) {
        simdjson::dom::object members(*value);
        auto first = members.begin();
        if (first != members.end() && first.key() == "stringValue" &&
            first.value().get(text) == simdjson::SUCCESS) {
          out.add_text(key, text);
          continue;
        }
      }
      JsonPath::Guard value_guard(m_path, "value");
      out.add(std::string(key), any_value(*value));
    }
  }

  Json any_value(element value)
  {
    if (!value.is_object()) {
      warn("", "expected an AnyValue object, found " + type_name(value) + "; ignored");
      return nullptr;
    }
    for (auto field : simdjson::dom::object(value)) {
      const std::string_view kind = field.key;
      const element inner = field.value;
      if (kind == "stringValue") {
        std::string_view text;
        if (inner.get(text) == simdjson::SUCCESS) {
          return std::string(text);
        }
      } else if (kind == "intValue") {
        std::int64_t number = 0;
        std::string_view text;
        if (inner.get(number) == simdjson::SUCCESS) {
          return number;
        }
        if (inner.get(text) == simdjson::SUCCESS) {
          if (auto parsed = parse_int64(text)) {
            return *parsed;
          }
        }
      } else if (kind == "doubleValue") {
        double number = 0;
        if (inner.get(number) == simdjson::SUCCESS) {
          return number;
        }
        if (auto parsed = json_double(to_json(inner))) {
          return *parsed;
        }
      } else if (kind == "boolValue") {
        bool flag = false;
        if (inner.get(flag) == simdjson::SUCCESS) {
          return flag;
        }
      } else if (kind == "bytesValue") {
        std::string_view text;
        if (inner.get(text) == simdjson::SUCCESS) {
          return std::string(text); // base64, kept as written
        }
      } else if (kind == "arrayValue" || kind == "kvlistValue") {
        if (!inner.is_object()) {
          warn(kind, "expected {values: [...]}, found " + type_name(inner) + "; attribute ignored");
          return nullptr;
        }
        const bool is_array = kind == "arrayValue";
        Json out = is_array ? Json::array() : Json::object();
        element values;
        if (inner["values"].get(values) != simdjson::SUCCESS) {
          return out;
        }
        if (!values.is_array()) {
          warn(kind, "expected {values: [...]}; attribute ignored");
          return nullptr;
        }
        JsonPath::Guard guard(m_path, kind);
        long i = 0;
        for (element item : simdjson::dom::array(values)) {
          JsonPath::Guard item_guard(m_path, "values", i++);
          if (is_array) {
            out.push_back(any_value(item));
            continue;
          }
          std::string_view key;
          if (item["key"].get(key) != simdjson::SUCCESS) {
            warn("key", "missing or not a string; entry ignored");
            continue;
          }
          element item_value;
          if (item["value"].get(item_value) == simdjson::SUCCESS) {
            JsonPath::Guard value_guard(m_path, "value");
            out[std::string(key)] = any_value(item_value);
          } else {
            out[std::string(key)] = nullptr;
          }
        }
        return out;
      } else {
        continue; // unknown members are ignored (receivers MUST ignore unknown fields)
      }
      warn(kind, "wrong type: " + simdjson::minify(inner).substr(0, 40) + "; attribute ignored");
      return nullptr;
    }
    return nullptr; // {} is an empty AnyValue
  }

  static std::string type_name(element value)
  {
    switch (value.type()) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
    }
    return "a value";
  }

  ReaderContext& m_context;
  JsonPath m_path;
};

} // namespace

void read_otlp_request(ReaderContext& context, simdjson::dom::element request)
{
  OtlpReader(context).read(request);
}

} // namespace evalgate::traces
