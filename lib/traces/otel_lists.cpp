#include "traces/otel_lists.hpp"

#include <map>

#include "traces/json_value.hpp"
#include "traces/messages.hpp"

namespace evalgate::traces {

std::string text_of(const Json* value)
{
  if (value == nullptr || value->is_null()) {
    return {};
  }
  return value->is_string() ? value->get<std::string>() : value->dump();
}

// (index, rest of the key) of "<N>.<rest>", or nullopt.
std::optional<std::pair<int, std::string_view>> split_index(std::string_view key)
{
  std::size_t i = 0;
  int index = 0;
  while (i < key.size() && key[i] >= '0' && key[i] <= '9' && i < 6) {
    index = index * 10 + (key[i] - '0');
    ++i;
  }
  if (i == 0 || i >= key.size() || key[i] != '.') {
    return std::nullopt;
  }
  return std::make_pair(index, key.substr(i + 1));
}

// Flattened OpenInference / OpenLLMetry message lists: prefix.N.<suffix>.
std::vector<TraceMessage> flattened_messages(AttributeBag& bag, std::string_view prefix,
                                             std::string_view inner)
{
  std::map<int, TraceMessage> messages;
  std::map<std::pair<int, int>, TraceToolCall> calls;
  bag.each_with_prefix(prefix, [&](std::string_view key, const Json& value) {
    const auto split = split_index(key);
    if (!split) {
      return;
    }
    auto [index, rest] = *split;
    if (!inner.empty()) {
      if (rest.compare(0, inner.size(), inner) != 0) {
        return;
      }
      rest = rest.substr(inner.size());
    }
    TraceMessage& message = messages[index];
    if (rest == "role") {
      message.role = normalise_role(json_string(value));
    } else if (rest == "content" || rest == "text") {
      message.text = text_of(&value);
    } else if (rest == "tool_call_id") {
      message.tool_call_id = json_string(value);
    } else if (rest.rfind("contents.", 0) == 0) {
      const auto part = split_index(rest.substr(9));
      if (part && (part->second == "message_content.text" || part->second == "text")) {
        message.text += message.text.empty() ? json_string(value) : "\n" + json_string(value);
      }
    } else if (rest.rfind("tool_calls.", 0) == 0) {
      const auto call = split_index(rest.substr(11));
      if (!call) {
        return;
      }
      TraceToolCall& tool_call = calls[{index, call->first}];
      std::string_view field = call->second;
      if (field.rfind("tool_call.", 0) == 0) {
        field = field.substr(10);
      }
      if (field == "id") {
        tool_call.call_id = json_string(value);
      } else if (field == "function.name" || field == "name") {
        tool_call.name = json_string(value);
      } else if (field == "function.arguments" || field == "arguments") {
        tool_call.arguments = value;
      }
    }
  });
  for (auto& [key, call] : calls) {
    messages[key.first].tool_calls.push_back(std::move(call));
  }
  std::vector<TraceMessage> out;
  for (auto& [index, message] : messages) {
    out.push_back(std::move(message));
  }
  return out;
}

RetrievedDocument document_from_json(const Json& doc, int rank, const std::string& span_id)
{
  RetrievedDocument out;
  out.rank = rank;
  out.source_span_id = span_id;
  const Json& metadata = member(doc, "metadata");
  out.doc_id = text_of(&member(doc, "id"));
  if (out.doc_id.empty() || out.doc_id == "null") {
    out.doc_id.clear();
    for (const char* key : {"source", "id", "doc_id"}) {
      if (member(metadata, key).is_string()) {
        out.doc_id = member(metadata, key).get<std::string>();
        break;
      }
    }
  }
  for (const char* key : {"content", "page_content", "text"}) {
    if (member(doc, key).is_string()) {
      out.content = member(doc, key).get<std::string>();
      break;
    }
  }
  out.score = json_double(member(doc, "score"));
  if (!out.score) {
    out.score = json_double(member(metadata, "score"));
  }
  if (metadata.is_object()) {
    out.metadata = metadata;
  }
  for (const char* key : {"title", "source"}) {
    if (!member(doc, key).is_null() && !out.metadata.contains(key)) {
      out.metadata[key] = member(doc, key);
    }
  }
  return out;
}

std::vector<RetrievedDocument> flattened_documents(AttributeBag& bag, std::string_view prefix,
                                                   const std::string& span_id)
{
  std::map<int, Json> docs;
  bag.each_with_prefix(prefix, [&](std::string_view key, const Json& value) {
    const auto split = split_index(key);
    if (!split) {
      return;
    }
    std::string_view rest = split->second;
    if (rest.rfind("document.", 0) == 0) {
      rest = rest.substr(9);
    }
    Json& doc = docs[split->first];
    if (rest.rfind("metadata.", 0) == 0) {
      doc["metadata"][std::string(rest.substr(9))] = value;
    } else if (rest == "metadata") {
      Json parsed = parse_if_json_text(value);
      if (parsed.is_object()) {
        for (auto it = parsed.begin(); it != parsed.end(); ++it) {
          doc["metadata"][it.key()] = it.value();
        }
      }
    } else {
      doc[std::string(rest)] = value;
    }
  });
  std::vector<RetrievedDocument> out;
  int rank = 0;
  for (auto& [index, doc] : docs) {
    out.push_back(document_from_json(doc, rank++, span_id));
  }
  return out;
}

} // namespace evalgate::traces
