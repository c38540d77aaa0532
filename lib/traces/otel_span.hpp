#pragma once
// traces/otel_span: one span in the shape both OTel containers share (an OTLP/JSON span, or a
// Phoenix REST span), with its attributes as a flat bag, and its mapping to a TraceRecord under
// the OTel GenAI conventions (all three generations: v1.37+ gen_ai.input/output.messages, the
// ≤1.27 gen_ai.prompt/completion attributes and events, OpenLLMetry's flattened gen_ai.prompt.N.*)
// and the OpenInference conventions (traces.md §2.3, §3.3). Attributes the mapping does not read go
// to metadata as "raw.<key>". Pure; internal to lib/traces.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace_record.hpp"
#include "core/types.hpp"

namespace evalgate::traces {

// Attributes in source order. Lookups mark an attribute as read, so the rest can go to metadata.
class AttributeBag {
public:
  void add(std::string key, Json value);
  // A string attribute borrowed from the parsed document: key and text must outlive the bag. Kept
  // as a view until something needs it as Json, so a span's strings are copied once, into the record.
  void add_text(std::string_view key, std::string_view text);
  // The text of a string attribute (marked read), or nullopt when absent or not a string.
  std::optional<std::string_view> text(std::string_view key);
  // The value of `key` (marked read), or nullptr.
  const Json* get(std::string_view key);
  // Every attribute whose key starts with `prefix`, marked read. For flattened lists ("<name>.N.…")
  // and "metadata." only: other prefixes are not looked for (a span without such keys skips the scan).
  void each_with_prefix(std::string_view prefix,
                        const std::function<void(std::string_view, const Json&)>& visit);
  bool has_prefix(std::string_view prefix);
  bool empty() const { return m_items.empty(); }
  // Unread attributes as "raw.<key>" members of `metadata` (existing members win).
  void unread_into(Json& metadata, std::string_view prefix = "raw.") const;

private:
  struct Item {
    std::uint64_t tag = 0; // fingerprint(key): most mismatches are rejected without a compare
    std::string_view key;
    std::string_view text; // when has_text: the value, not yet materialised into `value`
    bool has_text = false;
    Json value;
    bool read = false;
  };
  const Json& materialise(Item& item);
  // A span's ~15 attributes are looked up ~50 times, mostly for keys it does not have, and keys
  // share long prefixes ("gen_ai.usage."): comparing fingerprints first keeps lookups cheap.
  static std::uint64_t fingerprint(std::string_view key);
  Item* find(std::string_view key);
  void note_key(std::string_view key);
  void index_last();
  std::vector<Item> m_items;
  std::vector<std::unique_ptr<std::string>> m_owned_keys; // keys not borrowed (no allocation when none)
  // An open-addressing index over the first k_indexed items (slot = item index + 1, 0 = empty):
  // lookups are O(1) whether or not the key is present; beyond that, a linear scan.
  static constexpr std::size_t k_slots = 128;
  static constexpr std::size_t k_indexed = 96;
  std::array<std::uint8_t, k_slots> m_slots{};
  bool m_indexed = false;         // some key has a ".<digit>" segment (a flattened list)
  bool m_metadata_prefix = false; // some key starts with "metadata."
};

struct SpanEvent {
  std::string name;
  std::int64_t time_unix_nano = 0;
  AttributeBag attributes;
};

struct OtelSpan {
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;
  std::string name;
  std::string openinference_kind; // Phoenix's span_kind when it holds an OpenInference kind
  std::int64_t start_unix_nano = 0;
  std::int64_t end_unix_nano = 0;
  int status_code = 0; // 0 unset, 1 ok, 2 error
  std::string status_message;
  AttributeBag attributes;
  std::vector<SpanEvent> events;
};

// Reports a problem with one field of the span being mapped (e.g. a JSON-string attribute that
// does not parse); the record is still produced.
using FieldWarning = std::function<void(const std::string& field, const std::string& message)>;

// How much of a record map_otel_span builds. `warnings` (a record the reader drops) and `sampler`
// (ReadOptions::sampler_fields_only) run the steps that can warn, with the same warnings in the
// same order; `sampler` also fills ids, kind, name, model, provider, times and status.
enum class MapDetail { full, sampler, warnings };

// Fills `record` (ids, times and source fields are expected to be set by the caller's container
// reader or are taken from `span`) and, in full detail, calls finish_record().
void map_otel_span(OtelSpan& span, TraceRecord& record, const FieldWarning& warn,
                   MapDetail detail = MapDetail::full);

// Flattens nested objects and lists of objects into dotted keys ("llm.input_messages.0.message.role"),
// as Phoenix does; primitive lists stay arrays. For attributes written nested (the OpenInference
// spec's examples).
void flatten_into(AttributeBag& bag, const std::string& prefix, const Json& value);

} // namespace evalgate::traces
