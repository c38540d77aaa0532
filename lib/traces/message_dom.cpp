#include "traces/message_dom.hpp"

#include <string>

#include <simdjson.h>

#include "traces/json_value.hpp"
#include "traces/messages.hpp"

namespace evalgate::traces {

namespace {

using simdjson::dom::element;

void append(std::string& out, std::string_view text)
{
  if (text.empty()) {
    return;
  }
  if (!out.empty()) {
    out += '\n';
  }
  out += text;
}

// True when the part was understood; false sends the whole message down the general path.
bool add_part(TraceMessage& message, element part)
{
  std::string_view text;
  if (part.get(text) == simdjson::SUCCESS) {
    append(message.text, text);
    return true;
  }
  if (!part.is_object()) {
    return false;
  }
  std::string_view type;
  if (part["type"].get(type) != simdjson::SUCCESS) {
    type = {};
  }
  if (type == "text" || type.empty()) {
    if (part["content"].get(text) == simdjson::SUCCESS || part["text"].get(text) == simdjson::SUCCESS) {
      append(message.text, text);
      return true;
    }
    return false;
  }
  if (type == "tool_call") {
    TraceToolCall call;
    std::string_view value;
    if (part["id"].get(value) == simdjson::SUCCESS) {
      call.call_id = std::string(value);
    }
    if (part["name"].get(value) == simdjson::SUCCESS) {
      call.name = std::string(value);
    }
    element arguments;
    if (part["arguments"].get(arguments) == simdjson::SUCCESS) {
      call.arguments = to_json(arguments);
    }
    message.tool_calls.push_back(std::move(call));
    return true;
  }
  return false; // tool responses, blobs, reasoning…: the general path knows them
}

bool parse_one(element item, bool output, TraceMessage& message)
{
  std::string_view text;
  if (item.get(text) == simdjson::SUCCESS) {
    message.role = output ? "assistant" : "user";
    message.text = std::string(text);
    return true;
  }
  if (!item.is_object()) {
    return false;
  }
  std::string_view role;
  if (item["role"].get(role) != simdjson::SUCCESS) {
    return false;
  }
  message.role = normalise_role(role);
  for (auto field : simdjson::dom::object(item)) {
    const std::string_view key = field.key;
    if (key == "role" || key == "finish_reason" || key == "name") {
      continue;
    }
    if (key == "content" && field.value.get(text) == simdjson::SUCCESS) {
      message.text = std::string(text);
    } else if ((key == "parts" || key == "content") && field.value.is_array()) {
      for (element part : simdjson::dom::array(field.value)) {
        if (!add_part(message, part)) {
          return false;
        }
      }
    } else if (!field.value.is_null()) {
      return false;
    }
  }
  return true;
}

} // namespace

bool parse_messages_text(std::string_view text, bool output, std::vector<TraceMessage>& out)
{
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (text[first] != '[' && text[first] != '{')) {
    return false;
  }
  thread_local simdjson::dom::parser parser;
  thread_local std::string scratch;
  scratch.assign(text);
  scratch.append(simdjson::SIMDJSON_PADDING, '\0');
  element root;
  if (parser.parse(scratch.data(), text.size(), false).get(root) != simdjson::SUCCESS) {
    return false;
  }
  out.clear();
  auto one = [&](element item) {
    TraceMessage message;
    if (!parse_one(item, output, message)) {
      // An unusual shape: the general parser on this element only.
      Json json = to_json(item);
      auto parsed = parse_messages(json, output);
      for (auto& m : parsed) {
        out.push_back(std::move(m));
      }
      return;
    }
    out.push_back(std::move(message));
  };
  if (root.is_array()) {
    for (element item : simdjson::dom::array(root)) {
      if (item.is_array()) {
        // LangChain batches (a list of message lists): the general path.
        out = parse_messages(to_json(root), output);
        return true;
      }
      one(item);
    }
  } else {
    one(root);
  }
  return true;
}

} // namespace evalgate::traces
