#include "traces/messages.hpp"

#include "providers/pricing.hpp"
#include "traces/json_value.hpp"

namespace evalgate::traces {

namespace {

void append_text(std::string& out, const std::string& text)
{
  if (text.empty()) {
    return;
  }
  if (!out.empty()) {
    out += "\n";
  }
  out += text;
}

std::string value_text(const Json& value)
{
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_null()) {
    return {};
  }
  return value.dump();
}

TraceToolCall openai_tool_call(const Json& call)
{
  TraceToolCall out;
  out.call_id = json_string(member(call, "id"));
  const Json& function = member(call, "function");
  if (function.is_object()) {
    out.name = json_string(member(function, "name"));
    out.arguments = member(function, "arguments");
  } else {
    // LangChain's AIMessage.tool_calls: {name, args, id}
    out.name = json_string(member(call, "name"));
    out.arguments = member(call, "args").is_null() ? member(call, "arguments") : member(call, "args");
  }
  return out;
}

// One part of a GenAI message, an OpenAI content part or an Anthropic content block.
void add_part(TraceMessage& message, const Json& part)
{
  if (part.is_string()) {
    append_text(message.text, part.get<std::string>());
    return;
  }
  const std::string type = json_string(member(part, "type"));
  if (type == "text" || type == "input_text" || type == "output_text" || type.empty()) {
    const Json& content = member(part, "content");
    append_text(message.text, content.is_null() ? json_string(member(part, "text")) : value_text(content));
  } else if (type == "tool_call" || type == "tool_use" || type == "function_call") {
    TraceToolCall call;
    call.call_id = json_string(member(part, "id"));
    if (call.call_id.empty()) {
      call.call_id = json_string(member(part, "call_id"));
    }
    call.name = json_string(member(part, "name"));
    call.arguments = member(part, "arguments").is_null() ? member(part, "input") : member(part, "arguments");
    message.tool_calls.push_back(std::move(call));
  } else if (type == "tool_call_response" || type == "tool_result" || type == "function_call_output") {
    // The schema names the field `response`; the spec's own example writes `result` (traces.md §2.4).
    std::string id = json_string(member(part, "id"));
    if (id.empty()) {
      id = json_string(member(part, "tool_use_id"));
    }
    if (id.empty()) {
      id = json_string(member(part, "call_id"));
    }
    message.tool_call_id = id;
    for (const char* key : {"response", "result", "content", "output"}) {
      const Json& value = member(part, key);
      if (!value.is_null()) {
        append_text(message.text, value.is_array() ? parts_text(value) : value_text(value));
        break;
      }
    }
  }
}

} // namespace

std::string normalise_role(std::string_view role)
{
  std::string out = to_lower(role);
  if (out == "human" || out == "humanmessage" || out == "humanmessagechunk") {
    return "user";
  }
  if (out == "ai" || out == "aimessage" || out == "aimessagechunk" || out == "model") {
    return "assistant";
  }
  if (out == "systemmessage") {
    return "system";
  }
  if (out == "function" || out == "toolmessage" || out == "functionmessage") {
    return "tool";
  }
  return out;
}

std::string parts_text(const Json& parts)
{
  if (parts.is_string()) {
    return parts.get<std::string>();
  }
  TraceMessage scratch;
  if (parts.is_array()) {
    for (const auto& part : parts) {
      add_part(scratch, part);
    }
  } else if (parts.is_object()) {
    add_part(scratch, parts);
  }
  return scratch.text;
}

TraceMessage parse_message(const Json& input)
{
  TraceMessage message;
  const Json* m = &input;
  // Choice wrapper {index, finish_reason, message:{…}} (OpenAI choices, gen_ai.choice bodies).
  if (member(*m, "role").is_null() && member(*m, "message").is_object()) {
    m = &member(*m, "message");
  }
  // LangChain serialized message: {lc, type:"constructor", id:[…, "HumanMessage"], kwargs:{…}}.
  if (member(*m, "lc").is_number() && member(*m, "kwargs").is_object()) {
    const Json& kwargs = member(*m, "kwargs");
    std::string role = json_string(member(kwargs, "type"));
    const Json& id = member(*m, "id");
    if (role.empty() && id.is_array() && !id.empty() && id.back().is_string()) {
      role = id.back().get<std::string>();
    }
    message.role = normalise_role(role);
    const Json& content = member(kwargs, "content");
    message.text = content.is_array() ? parts_text(content) : value_text(content);
    for (const auto& call :
         member(kwargs, "tool_calls").is_array() ? member(kwargs, "tool_calls") : Json::array()) {
      message.tool_calls.push_back(openai_tool_call(call));
    }
    message.tool_call_id = json_string(member(kwargs, "tool_call_id"));
    return message;
  }
  std::string role = json_string(member(*m, "role"));
  if (role.empty()) {
    role = json_string(member(*m, "type")); // LangChain dict form {type: "human", content}
  }
  message.role = normalise_role(role);
  const Json& parts = member(*m, "parts");
  if (parts.is_array()) {
    for (const auto& part : parts) {
      add_part(message, part);
    }
  } else {
    const Json* content = &member(*m, "content");
    if (content->is_null() && member(*m, "data").is_object()) {
      content = &member(member(*m, "data"), "content");
    }
    if (content->is_array()) {
      for (const auto& part : *content) {
        add_part(message, part);
      }
    } else {
      message.text = value_text(*content);
    }
  }
  const Json& calls = member(*m, "tool_calls");
  if (calls.is_array()) {
    for (const auto& call : calls) {
      message.tool_calls.push_back(openai_tool_call(call));
    }
  }
  if (message.tool_call_id.empty()) {
    message.tool_call_id = json_string(member(*m, "tool_call_id"));
  }
  return message;
}

std::vector<TraceMessage> parse_messages(const Json& list, bool output)
{
  std::vector<TraceMessage> out;
  auto add = [&](const Json& item) {
    if (item.is_object()) {
      out.push_back(parse_message(item));
    } else if (item.is_string()) {
      TraceMessage message;
      message.role = output ? "assistant" : "user";
      message.text = item.get<std::string>();
      out.push_back(std::move(message));
    } else if (item.is_array()) {
      // LangChain batches: a list of message lists; the first conversation is the call's.
      for (const auto& inner : item) {
        if (inner.is_object()) {
          out.push_back(parse_message(inner));
        }
      }
    }
  };
  if (list.is_array()) {
    for (const auto& item : list) {
      add(item);
      if (item.is_array()) {
        break;
      }
    }
  } else {
    add(list);
  }
  return out;
}

std::string last_text(const std::vector<TraceMessage>& messages, std::string_view role)
{
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (it->role == role && !it->text.empty()) {
      return it->text;
    }
  }
  return {};
}

std::string flat_text(const Json& value, bool output)
{
  if (value.is_null()) {
    return {};
  }
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_array()) {
    if (!value.empty() && (value.front().is_object() || value.front().is_array())) {
      const auto messages = parse_messages(value, output);
      const std::string text = last_text(messages, output ? "assistant" : "user");
      if (!text.empty()) {
        return text;
      }
    }
    return value.dump();
  }
  if (value.is_object()) {
    if (!member(value, "role").is_null() || !member(value, "parts").is_null()) {
      const std::string text = parse_message(value).text;
      if (!text.empty()) {
        return text;
      }
    }
    if (member(value, "messages").is_array()) {
      const std::string text = flat_text(member(value, "messages"), output);
      if (!text.empty()) {
        return text;
      }
    }
    for (const char* key : {"question", "query", "input", "prompt", "answer", "output", "text", "content",
                            "message", "result", "response"}) {
      const Json& field = member(value, key);
      if (field.is_string()) {
        return field.get<std::string>();
      }
    }
    if (value.size() == 1 && value.begin()->is_string()) {
      return value.begin()->get<std::string>();
    }
    return value.dump();
  }
  return value.dump();
}

std::string normalise_provider(std::string_view provider)
{
  const std::string p = to_lower(provider);
  struct Alias {
    const char* from;
    const char* to;
  };
  static const Alias k_aliases[] = {
      {"az.ai.openai", "azure.ai.openai"},
      {"azure", "azure.ai.openai"},
      {"azure_openai", "azure.ai.openai"},
      {"azure-openai", "azure.ai.openai"},
      {"az.ai.inference", "azure.ai.inference"},
      {"vertex_ai", "gcp.vertex_ai"},
      {"vertexai", "gcp.vertex_ai"},
      {"google", "gcp.vertex_ai"},
      {"google_vertexai", "gcp.vertex_ai"},
      {"gemini", "gcp.gemini"},
      {"google_genai", "gcp.gen_ai"},
      {"google_ai", "gcp.gemini"},
      {"aws", "aws.bedrock"},
      {"amazon", "aws.bedrock"},
      {"bedrock", "aws.bedrock"},
      {"amazon_bedrock", "aws.bedrock"},
      {"mistralai", "mistral_ai"},
      {"mistral", "mistral_ai"},
      {"xai", "x_ai"},
      {"watsonx", "ibm.watsonx.ai"},
      {"moonshot", "moonshot_ai"},
  };
  for (const auto& alias : k_aliases) {
    if (p == alias.from) {
      return alias.to;
    }
  }
  return p;
}

std::string provider_from_model(std::string_view model)
{
  const std::string m = to_lower(model);
  auto starts = [&](std::string_view prefix) { return m.rfind(prefix, 0) == 0; };
  if (starts("gpt-") || starts("o1") || starts("o3") || starts("o4") || starts("text-embedding-") ||
      starts("chatgpt") || starts("davinci") || starts("openai/")) {
    return "openai";
  }
  if (starts("claude") || starts("anthropic/")) {
    return "anthropic";
  }
  if (starts("gemini") || starts("models/gemini")) {
    return "gcp.gemini";
  }
  if (starts("mistral") || starts("codestral") || starts("ministral") || starts("open-mistral")) {
    return "mistral_ai";
  }
  if (starts("command") || starts("embed-english") || starts("embed-multilingual")) {
    return "cohere";
  }
  if (starts("deepseek")) {
    return "deepseek";
  }
  if (starts("grok")) {
    return "x_ai";
  }
  return {};
}

void finish_record(TraceRecord& record)
{
  if (record.trace_id_norm.empty()) {
    record.trace_id_norm = normalise_trace_id(record.trace_id);
  }
  if (record.system_instructions.empty()) {
    for (const auto& message : record.input_messages) {
      if (message.role == "system" || message.role == "developer") {
        append_text(record.system_instructions, message.text);
      }
    }
  }
  if (record.input_text.empty()) {
    record.input_text = last_text(record.input_messages, "user");
  }
  if (record.output_text.empty()) {
    record.output_text = last_text(record.output_messages, "assistant");
  }
  if (!record.tokens_total && record.tokens_in && record.tokens_out) {
    record.tokens_total = *record.tokens_in + *record.tokens_out;
  }
  if (!record.latency_ms && record.start_unix_nano > 0 && record.end_unix_nano >= record.start_unix_nano) {
    record.latency_ms = static_cast<double>(record.end_unix_nano - record.start_unix_nano) / 1e6;
  }
  if (record.cost_usd) {
    if (record.cost_source.empty()) {
      record.cost_source = "reported";
    }
    return;
  }
  record.cost_source.clear();
  if (record.model.empty() || (!record.tokens_in && !record.tokens_out)) {
    return;
  }
  const auto price = PriceTable::builtin().find(record.model, record.provider);
  if (!price) {
    return;
  }
  Usage usage;
  usage.prompt_tokens = record.tokens_in.value_or(0);
  usage.completion_tokens = record.tokens_out.value_or(0);
  usage.cached_tokens = record.tokens_cache_read.value_or(0);
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  record.cost_usd = cost_usd(*price, usage);
  record.cost_source = "computed";
}

} // namespace evalgate::traces
