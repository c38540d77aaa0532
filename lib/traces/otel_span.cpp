#include "traces/otel_span.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>

#include "traces/json_value.hpp"
#include "traces/message_dom.hpp"
#include "traces/messages.hpp"

namespace evalgate::traces {

std::uint64_t AttributeBag::fingerprint(std::string_view key)
{
  std::uint64_t tail = 0;
  const std::size_t n = std::min<std::size_t>(key.size(), 8);
  std::memcpy(&tail, key.data() + key.size() - n, n);
  return tail ^ (static_cast<std::uint64_t>(key.size()) << 56) ^ static_cast<unsigned char>(key.front());
}

std::uint64_t AttributeBag::bloom_bits(std::uint64_t tag)
{
  const std::uint64_t mixed = tag * 0x9E3779B97F4A7C15ull;
  return (std::uint64_t{1} << (mixed >> 58)) | (std::uint64_t{1} << ((mixed >> 52) & 63));
}

void AttributeBag::note_key(std::string_view key)
{
  if (!key.empty()) {
    m_bloom |= bloom_bits(fingerprint(key));
  }
  if (!m_indexed) {
    for (std::size_t i = 0; i + 1 < key.size(); ++i) {
      if (key[i] == '.' && key[i + 1] >= '0' && key[i + 1] <= '9') {
        m_indexed = true;
        break;
      }
    }
  }
  if (key.substr(0, 9) == "metadata.") {
    m_metadata_prefix = true;
  }
}

void AttributeBag::add(std::string key, Json value)
{
  const std::string& owned = m_owned_keys.emplace_back(std::move(key));
  note_key(owned);
  m_items.push_back(Item{owned.empty() ? 0 : fingerprint(owned), owned, {}, false, std::move(value), false});
}

void AttributeBag::add_text(std::string_view key, std::string_view text)
{
  note_key(key);
  m_items.push_back(Item{key.empty() ? 0 : fingerprint(key), key, text, true, Json(), false});
}

AttributeBag::Item* AttributeBag::find(std::string_view key)
{
  if (key.empty()) {
    return nullptr;
  }
  const std::uint64_t tag = fingerprint(key);
  const std::uint64_t bits = bloom_bits(tag);
  if ((m_bloom & bits) != bits) {
    return nullptr;
  }
  for (auto& item : m_items) {
    if (item.tag == tag && item.key == key) {
      return &item;
    }
  }
  return nullptr;
}

const Json& AttributeBag::materialise(Item& item)
{
  if (item.has_text) {
    item.value = std::string(item.text);
    item.has_text = false;
  }
  return item.value;
}

const Json* AttributeBag::get(std::string_view key)
{
  Item* it = find(key);
  if (it != nullptr) {
    it->read = true;
    return &materialise(*it);
  }
  return nullptr;
}

std::optional<std::string_view> AttributeBag::text(std::string_view key)
{
  Item* it = find(key);
  if (it == nullptr) {
    return std::nullopt;
  }
  it->read = true;
  if (it->has_text) {
    return it->text;
  }
  if (it->value.is_string()) {
    return std::string_view(it->value.get_ref<const std::string&>());
  }
  return std::nullopt;
}

void AttributeBag::each_with_prefix(std::string_view prefix,
                                    const std::function<void(std::string_view, const Json&)>& visit)
{
  if (!(prefix == "metadata." ? m_metadata_prefix : m_indexed)) {
    return;
  }
  for (auto& item : m_items) {
    const std::string_view key = item.key;
    if (key.size() > prefix.size() && key.substr(0, prefix.size()) == prefix) {
      item.read = true;
      visit(key.substr(prefix.size()), materialise(item));
    }
  }
}

bool AttributeBag::has_prefix(std::string_view prefix)
{
  return std::any_of(m_items.begin(), m_items.end(),
                     [&](const Item& item) { return item.key.substr(0, prefix.size()) == prefix; });
}

void AttributeBag::unread_into(Json& metadata, std::string_view prefix) const
{
  for (const auto& item : m_items) {
    if (!item.read) {
      std::string key = std::string(prefix);
      key += item.key;
      metadata.emplace(std::move(key), item.has_text ? Json(std::string(item.text)) : item.value);
    }
  }
}

void flatten_into(AttributeBag& bag, const std::string& prefix, const Json& value)
{
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      flatten_into(bag, prefix.empty() ? it.key() : prefix + "." + it.key(), it.value());
    }
    return;
  }
  const bool list_of_objects = value.is_array() && std::any_of(value.begin(), value.end(),
                                                               [](const Json& v) { return v.is_object(); });
  if (list_of_objects) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      flatten_into(bag, prefix + "." + std::to_string(i), value[i]);
    }
    return;
  }
  bag.add(prefix, value);
}

namespace {

std::optional<TraceKind> kind_from_operation(std::string_view op)
{
  if (op == "chat" || op == "text_completion" || op == "generate_content" || op == "completion") {
    return TraceKind::llm;
  }
  if (op == "embeddings" || op == "embedding") {
    return TraceKind::embedding;
  }
  if (op == "retrieval" || op == "search_memory") {
    return TraceKind::retriever;
  }
  if (op == "execute_tool") {
    return TraceKind::tool;
  }
  if (op == "invoke_agent" || op == "create_agent") {
    return TraceKind::agent;
  }
  if (op == "invoke_workflow") {
    return TraceKind::chain;
  }
  return std::nullopt;
}

std::optional<TraceKind> kind_from_openinference(std::string_view kind)
{
  const std::string k = to_lower(kind);
  static const std::pair<const char*, TraceKind> k_kinds[] = {
      {"llm", TraceKind::llm},
      {"embedding", TraceKind::embedding},
      {"retriever", TraceKind::retriever},
      {"reranker", TraceKind::reranker},
      {"tool", TraceKind::tool},
      {"agent", TraceKind::agent},
      {"chain", TraceKind::chain},
      {"guardrail", TraceKind::guardrail},
      {"evaluator", TraceKind::evaluator},
      {"prompt", TraceKind::prompt},
  };
  for (const auto& [name, value] : k_kinds) {
    if (k == name) {
      return value;
    }
  }
  return std::nullopt;
}

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

class Mapper {
public:
  Mapper(OtelSpan& span, TraceRecord& record, const FieldWarning& warn)
      : m_span(span), m_bag(span.attributes), m_record(record), m_warn(warn)
  {
  }

  void run()
  {
    ids_and_times();
    kind();
    model_and_provider();
    messages();
    flat_io();
    retrieval();
    tools();
    usage_and_cost();
    status();
    context();
    metadata();
    finish_record(m_record);
  }

private:
  // A structured attribute: a JSON string is parsed (a text that does not parse is a warning).
  std::optional<Json> structured(std::string_view key)
  {
    if (auto text = m_bag.text(key)) {
      // Straight from the document's string to Json, without an intermediate copy.
      if (auto parsed = parse_json_text(*text)) {
        return parsed;
      }
      return check_text(key, Json(std::string(*text)));
    }
    const Json* value = m_bag.get(key);
    if (value == nullptr || value->is_null()) {
      return std::nullopt;
    }
    return check_text(key, parse_if_json_text(*value));
  }

  Json check_text(std::string_view key, Json parsed)
  {
    if (parsed.is_string()) {
      const auto& s = parsed.get_ref<const std::string&>();
      const auto first = s.find_first_not_of(" \t\r\n");
      if (first != std::string::npos && (s[first] == '[' || s[first] == '{')) {
        m_warn("attributes." + std::string(key), "holds text that is not valid JSON; kept as plain text");
      }
    }
    return parsed;
  }

  // A JSON-string message attribute straight from the document to messages (message_dom).
  bool fast_messages(std::string_view key, bool output, std::vector<TraceMessage>& out)
  {
    std::optional<std::string_view> text = m_bag.text(key);
    return text && parse_messages_text(*text, output, out);
  }

  std::optional<std::int64_t> integer(std::string_view key)
  {
    if (auto text = m_bag.text(key)) {
      auto out = parse_int64(*text);
      if (!out) {
        m_warn("attributes." + std::string(key),
               "expected an integer, found " + Json(std::string(*text)).dump() + "; ignored");
      }
      return out;
    }
    const Json* value = m_bag.get(key);
    if (value == nullptr || value->is_null()) {
      return std::nullopt;
    }
    auto out = json_int(*value);
    if (!out) {
      m_warn("attributes." + std::string(key), "expected an integer, found " + value->dump() + "; ignored");
    }
    return out;
  }

  std::optional<double> number(std::string_view key)
  {
    const Json* value = m_bag.get(key);
    if (value == nullptr || value->is_null()) {
      return std::nullopt;
    }
    auto out = json_double(*value);
    if (!out) {
      m_warn("attributes." + std::string(key), "expected a number, found " + value->dump() + "; ignored");
    }
    return out;
  }

  std::string string(std::string_view key)
  {
    if (auto text = m_bag.text(key)) {
      return std::string(*text);
    }
    return text_of(m_bag.get(key));
  }

  std::string first_string(std::initializer_list<std::string_view> keys)
  {
    std::string out;
    for (auto key : keys) {
      std::string value = string(key);
      if (out.empty() && !value.empty()) {
        out = std::move(value);
      }
    }
    return out;
  }

  void ids_and_times()
  {
    m_record.trace_id = m_span.trace_id;
    m_record.span_id = m_span.span_id;
    m_record.parent_span_id = m_span.parent_span_id;
    m_record.name = m_span.name;
    m_record.start_unix_nano = m_span.start_unix_nano;
    m_record.end_unix_nano = m_span.end_unix_nano;
  }

  void kind()
  {
    std::string oi = string("openinference.span.kind");
    if (oi.empty()) {
      oi = m_span.openinference_kind;
    }
    const std::string op = string("gen_ai.operation.name");
    const std::string traceloop = string("traceloop.span.kind");
    if (auto k = kind_from_openinference(oi)) {
      m_record.kind = *k;
      m_record.operation = oi;
    } else if (auto k2 = kind_from_operation(op)) {
      m_record.kind = *k2;
      m_record.operation = op;
    } else if (!traceloop.empty()) {
      m_record.operation = traceloop;
      m_record.kind = traceloop == "agent"                               ? TraceKind::agent
                      : traceloop == "tool"                              ? TraceKind::tool
                      : (traceloop == "workflow" || traceloop == "task") ? TraceKind::chain
                                                                         : TraceKind::other;
    } else {
      // As Phoenix infers it (traces.md §2.3): tool attributes, retrieval attributes, LLM signals,
      // then the span-name prefix.
      m_record.operation = op;
      if (m_bag.has_prefix("gen_ai.tool.call") || (op.empty() && m_bag.has_prefix("gen_ai.tool.name"))) {
        m_record.kind = TraceKind::tool;
      } else if (m_bag.has_prefix("gen_ai.retrieval.")) {
        m_record.kind = TraceKind::retriever;
      } else if (m_bag.has_prefix("gen_ai.input.messages") || m_bag.has_prefix("gen_ai.request.model") ||
                 m_bag.has_prefix("gen_ai.prompt") || m_bag.has_prefix("llm.input_messages")) {
        m_record.kind = TraceKind::llm;
      } else {
        const std::string_view name = m_span.name;
        const auto space = name.find(' ');
        if (auto k3 = kind_from_operation(name.substr(0, space))) {
          m_record.kind = *k3;
        }
      }
    }
  }

  void model_and_provider()
  {
    m_record.model = first_string({"gen_ai.response.model", "gen_ai.request.model", "llm.response.model_name",
                                   "llm.model_name", "llm.request.model_name", "embedding.model_name",
                                   "reranker.model_name"});
    const std::string provider =
        first_string({"gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"});
    m_record.provider = normalise_provider(provider);
  }

  void messages()
  {
    if (auto system = structured("gen_ai.system_instructions")) {
      m_record.system_instructions = parts_text(*system);
    }
    if (!fast_messages("gen_ai.input.messages", false, m_record.input_messages)) {
      if (auto input = structured("gen_ai.input.messages")) {
        m_record.input_messages = parse_messages(*input, false);
      }
    }
    if (!fast_messages("gen_ai.output.messages", true, m_record.output_messages)) {
      if (auto output = structured("gen_ai.output.messages")) {
        m_record.output_messages = parse_messages(*output, true);
      }
    }
    // ≤1.27: gen_ai.prompt / gen_ai.completion as attributes or on gen_ai.content.* events.
    if (auto prompt = structured("gen_ai.prompt"); prompt && m_record.input_messages.empty()) {
      m_record.input_messages = parse_messages(*prompt, false);
    }
    if (auto completion = structured("gen_ai.completion"); completion && m_record.output_messages.empty()) {
      m_record.output_messages = parse_messages(*completion, true);
    }
    for (auto& event : m_span.events) {
      if (event.name == "gen_ai.content.prompt" && m_record.input_messages.empty()) {
        if (const Json* prompt = event.attributes.get("gen_ai.prompt")) {
          m_record.input_messages = parse_messages(parse_if_json_text(*prompt), false);
        }
      } else if (event.name == "gen_ai.content.completion" && m_record.output_messages.empty()) {
        if (const Json* completion = event.attributes.get("gen_ai.completion")) {
          m_record.output_messages = parse_messages(parse_if_json_text(*completion), true);
        }
      }
    }
    // OpenLLMetry's flattened form, then OpenInference's.
    auto prompt_flat = flattened_messages(m_bag, "gen_ai.prompt.", "");
    auto completion_flat = flattened_messages(m_bag, "gen_ai.completion.", "");
    auto oi_input = flattened_messages(m_bag, "llm.input_messages.", "message.");
    auto oi_output = flattened_messages(m_bag, "llm.output_messages.", "message.");
    auto oi_prompts = flattened_messages(m_bag, "llm.prompts.", "prompt.");
    auto oi_choices = flattened_messages(m_bag, "llm.choices.", "completion.");
    for (auto* candidate : {&prompt_flat, &oi_input, &oi_prompts}) {
      if (m_record.input_messages.empty() && !candidate->empty()) {
        m_record.input_messages = std::move(*candidate);
      }
    }
    for (auto* candidate : {&completion_flat, &oi_output, &oi_choices}) {
      if (m_record.output_messages.empty() && !candidate->empty()) {
        m_record.output_messages = std::move(*candidate);
      }
    }
    for (auto& message : m_record.input_messages) {
      if (message.role.empty()) {
        message.role = "user";
      }
    }
    for (auto& message : m_record.output_messages) {
      if (message.role.empty()) {
        message.role = "assistant";
      }
    }
  }

  // input.value / output.value (OpenInference) and traceloop.entity.* carry the flat input/output.
  void flat_io()
  {
    const std::string in_mime = string("input.mime_type");
    const std::string out_mime = string("output.mime_type");
    const Json* in = m_bag.get("input.value");
    const Json* out = m_bag.get("output.value");
    const Json* tl_in = m_bag.get("traceloop.entity.input");
    const Json* tl_out = m_bag.get("traceloop.entity.output");
    if (in == nullptr) {
      in = tl_in;
    }
    if (out == nullptr) {
      out = tl_out;
    }
    if (in != nullptr && m_record.input_messages.empty()) {
      m_record.input_text = flat_text(in_mime == "text/plain" ? *in : parse_if_json_text(*in), false);
    }
    if (out != nullptr && m_record.output_messages.empty()) {
      m_record.output_text = flat_text(out_mime == "text/plain" ? *out : parse_if_json_text(*out), true);
    }
  }

  void retrieval()
  {
    if (auto docs = structured("gen_ai.retrieval.documents")) {
      if (docs->is_array()) {
        int rank = 0;
        for (const auto& doc : *docs) {
          if (doc.is_object()) {
            m_record.retrieved_context.push_back(document_from_json(doc, rank++, m_span.span_id));
          }
        }
      } else {
        m_warn("attributes.gen_ai.retrieval.documents", "expected an array of {id, score}; ignored");
      }
    }
    const std::string query = first_string({"gen_ai.retrieval.query.text", "reranker.query"});
    if (!query.empty() && m_record.input_text.empty()) {
      m_record.input_text = query;
    }
    if (m_record.retrieved_context.empty()) {
      m_record.retrieved_context = flattened_documents(m_bag, "retrieval.documents.", m_span.span_id);
    }
    if (m_record.kind == TraceKind::reranker || m_bag.has_prefix("reranker.output_documents.")) {
      auto inputs = flattened_documents(m_bag, "reranker.input_documents.", m_span.span_id);
      auto outputs = flattened_documents(m_bag, "reranker.output_documents.", m_span.span_id);
      for (auto& doc : outputs) {
        for (const auto& in : inputs) {
          if (doc.content.empty() && in.doc_id == doc.doc_id) {
            doc.content = in.content;
          }
        }
      }
      if (!outputs.empty()) {
        m_record.retrieved_context = std::move(outputs);
      }
    }
  }

  void tools()
  {
    const std::string name = first_string({"gen_ai.tool.name", "tool.name"});
    if (m_record.kind == TraceKind::tool) {
      TraceToolCall call;
      call.name = name;
      call.call_id = first_string({"gen_ai.tool.call.id", "tool.id", "tool_call.id"});
      if (auto args = structured("gen_ai.tool.call.arguments")) {
        call.arguments = *args;
      } else if (!m_record.input_text.empty()) {
        call.arguments = parse_if_json_text(Json(m_record.input_text));
      }
      if (auto result = structured("gen_ai.tool.call.result")) {
        call.result = *result;
      } else if (!m_record.output_text.empty()) {
        call.result = parse_if_json_text(Json(m_record.output_text));
      }
      if (m_record.input_text.empty() && !call.arguments.is_null()) {
        m_record.input_text =
            call.arguments.is_string() ? call.arguments.get<std::string>() : call.arguments.dump();
      }
      if (m_record.output_text.empty() && !call.result.is_null()) {
        m_record.output_text = call.result.is_string() ? call.result.get<std::string>() : call.result.dump();
      }
      if (m_span.status_code == 2) {
        call.error = m_span.status_message;
      }
      m_record.tool_calls.push_back(std::move(call));
    }
    for (const auto& message : m_record.output_messages) {
      for (const auto& call : message.tool_calls) {
        m_record.tool_calls.push_back(call);
      }
    }
  }

  void usage_and_cost()
  {
    auto first_int = [&](std::initializer_list<std::string_view> keys) {
      std::optional<std::int64_t> out;
      for (auto key : keys) {
        auto value = integer(key);
        if (!out && value) {
          out = value;
        }
      }
      return out;
    };
    m_record.tokens_in =
        first_int({"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt"});
    m_record.tokens_out = first_int(
        {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion"});
    m_record.tokens_total =
        first_int({"llm.usage.total_tokens", "gen_ai.usage.total_tokens", "llm.token_count.total"});
    m_record.tokens_cache_read =
        first_int({"gen_ai.usage.cache_read.input_tokens", "llm.token_count.prompt_details.cache_read"});
    auto total = number("llm.cost.total");
    auto prompt = number("llm.cost.prompt");
    auto completion = number("llm.cost.completion");
    auto genai_cost = number("gen_ai.usage.cost");
    if (total) {
      m_record.cost_usd = total;
    } else if (prompt || completion) {
      m_record.cost_usd = prompt.value_or(0) + completion.value_or(0);
    } else if (genai_cost) {
      m_record.cost_usd = genai_cost;
    }
    if (m_record.cost_usd) {
      m_record.cost_source = "reported";
    }
    if (auto ttft = number("gen_ai.response.time_to_first_chunk")) {
      m_record.ttft_ms = *ttft * 1000.0;
    }
  }

  void status()
  {
    m_record.status = m_span.status_code == 2   ? TraceStatus::error
                      : m_span.status_code == 1 ? TraceStatus::ok
                                                : TraceStatus::unset;
    m_record.error_message = m_span.status_message;
    m_record.error_type = string("error.type");
    if (!m_record.error_type.empty()) {
      m_record.status = TraceStatus::error;
    }
    for (auto& event : m_span.events) {
      if (event.name != "exception") {
        continue;
      }
      const std::string type = text_of(event.attributes.get("exception.type"));
      const std::string message = text_of(event.attributes.get("exception.message"));
      if (m_record.error_type.empty()) {
        m_record.error_type = type;
      }
      if (m_record.error_message.empty()) {
        m_record.error_message = message;
      }
    }
    if (m_record.status != TraceStatus::error) {
      m_record.error_message.clear();
    }
  }

  void context()
  {
    m_record.session_id = first_string({"gen_ai.conversation.id", "session.id"});
    m_record.user_id = first_string({"user.id", "enduser.id"});
    if (const Json* tags = m_bag.get("tag.tags")) {
      Json parsed = parse_if_json_text(*tags);
      if (parsed.is_array()) {
        for (const auto& tag : parsed) {
          if (tag.is_string()) {
            m_record.tags.push_back(tag.get<std::string>());
          }
        }
      } else if (parsed.is_string()) {
        m_record.tags.push_back(parsed.get<std::string>());
      }
    }
  }

  void metadata()
  {
    if (const Json* meta = m_bag.get("metadata")) {
      Json parsed = parse_if_json_text(*meta);
      if (parsed.is_object()) {
        for (auto it = parsed.begin(); it != parsed.end(); ++it) {
          m_record.metadata["raw." + it.key()] = it.value();
        }
      }
    }
    m_bag.each_with_prefix("metadata.", [&](std::string_view key, const Json& value) {
      m_record.metadata["raw." + std::string(key)] = value;
    });
    m_bag.unread_into(m_record.metadata);
  }

  OtelSpan& m_span;
  AttributeBag& m_bag;
  TraceRecord& m_record;
  const FieldWarning& m_warn;
};

} // namespace

void map_otel_span(OtelSpan& span, TraceRecord& record, const FieldWarning& warn)
{
  Mapper(span, record, warn).run();
}

} // namespace evalgate::traces
