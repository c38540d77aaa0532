#include "traces/record_fields.hpp"

#include <algorithm>

#include "traces/json_value.hpp"
#include "traces/messages.hpp"

namespace evalgate::traces {

std::int64_t time_member(ReaderContext& context, const Json& object, std::string_view key,
                         const std::string& field)
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
  context.warn(field, "expected an ISO-8601 timestamp, found " + value.dump().substr(0, 40) + "; ignored");
  return 0;
}

namespace {

bool is_document(const Json& item)
{
  return item.is_object() && (item.contains("page_content") || item.contains("content") ||
                              (item.contains("id") && item.contains("score")) || item.contains("text"));
}

} // namespace

bool looks_like_documents(const Json& value)
{
  if (value.is_object() && member(value, "documents").is_array()) {
    return true;
  }
  return value.is_array() && !value.empty() && std::all_of(value.begin(), value.end(), is_document);
}

std::vector<RetrievedDocument> documents_from(const Json& value, const std::string& span_id)
{
  const Json& list =
      value.is_object() && member(value, "documents").is_array() ? member(value, "documents") : value;
  std::vector<RetrievedDocument> out;
  if (!list.is_array()) {
    return out;
  }
  int rank = 0;
  for (const auto& item : list) {
    if (!item.is_object()) {
      continue;
    }
    RetrievedDocument doc;
    doc.rank = rank++;
    doc.source_span_id = span_id;
    const Json& metadata = member(item, "metadata");
    const Json& id = member(item, "id");
    if (id.is_string() || id.is_number()) {
      doc.doc_id = id.is_string() ? id.get<std::string>() : id.dump();
    }
    for (const char* key : {"source", "id", "doc_id"}) {
      if (doc.doc_id.empty() && member(metadata, key).is_string()) {
        doc.doc_id = member(metadata, key).get<std::string>();
      }
    }
    for (const char* key : {"page_content", "content", "text"}) {
      if (doc.content.empty() && member(item, key).is_string()) {
        doc.content = member(item, key).get<std::string>();
      }
    }
    doc.score = json_double(member(item, "score"));
    if (!doc.score) {
      doc.score = json_double(member(metadata, "score"));
    }
    if (metadata.is_object()) {
      doc.metadata = metadata;
    }
    for (auto it = item.begin(); it != item.end(); ++it) {
      static const std::string_view k_known[] = {"page_content", "content",  "text", "id",
                                                 "score",        "metadata", "type"};
      if (std::find(std::begin(k_known), std::end(k_known), it.key()) == std::end(k_known) &&
          !doc.metadata.contains(it.key())) {
        doc.metadata[it.key()] = it.value();
      }
    }
    out.push_back(std::move(doc));
  }
  return out;
}

void raw_members(Json& metadata, const Json& object, std::initializer_list<std::string_view> skip)
{
  if (!object.is_object()) {
    return;
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(skip.begin(), skip.end(), it.key()) != skip.end()) {
      continue;
    }
    std::string key = "raw." + it.key();
    if (!metadata.contains(key)) {
      metadata[std::move(key)] = it.value();
    }
  }
}

namespace {

bool is_message_list(const Json& value)
{
  if (!value.is_array() || value.empty()) {
    return false;
  }
  const Json& first =
      value.front().is_array() && !value.front().empty() ? value.front().front() : value.front();
  return first.is_object() && (first.contains("role") || first.contains("lc") || first.contains("parts") ||
                               (first.contains("type") && first.contains("content")));
}

} // namespace

void set_input(TraceRecord& record, const Json& raw)
{
  const Json value = parse_if_json_text(raw);
  if (is_message_list(value)) {
    record.input_messages = parse_messages(value, false);
  } else if (is_message_list(member(value, "messages"))) {
    record.input_messages = parse_messages(member(value, "messages"), false);
  } else if (!value.is_null()) {
    record.input_text = flat_text(value, false);
  }
}

void set_output(TraceRecord& record, const Json& raw)
{
  const Json value = parse_if_json_text(raw);
  if (value.is_object() && (value.contains("role") || value.contains("parts"))) {
    record.output_messages = parse_messages(value, true);
  } else if (is_message_list(value)) {
    record.output_messages = parse_messages(value, true);
  } else if (member(value, "choices").is_array() && !member(value, "choices").empty()) {
    record.output_messages = parse_messages(member(value, "choices").front(), true);
  } else if (!value.is_null()) {
    record.output_text = flat_text(value, true);
  }
  for (const auto& message : record.output_messages) {
    for (const auto& call : message.tool_calls) {
      record.tool_calls.push_back(call);
    }
  }
}

} // namespace evalgate::traces
