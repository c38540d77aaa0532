#include "traces/otel_span.hpp"

#include <algorithm>
#include <map>

#include "traces/json_value.hpp"
#include "traces/message_dom.hpp"
#include "traces/messages.hpp"
#include "traces/otel_lists.hpp"

namespace evalgate::traces {

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

class Mapper {
public:
  Mapper(OtelSpan& span, TraceRecord& record, const FieldWarning& warn)
      : m_span(span), m_bag(span.attributes), m_record(record), m_warn(warn)
  {
  }

  void run(MapDetail detail)
  {
    if (detail != MapDetail::full) {
      // The steps that can warn, in the same order; the others (ids, model, flat input/output,
      // status, context, metadata, cost) cannot.
      if (detail == MapDetail::sampler) {
        ids_and_times();
        model_and_provider();
      }
      kind(); // tools() warns on tool spans only
      message_warnings();
      retrieval_warnings();
      tools();
      usage_and_cost();
      if (detail == MapDetail::sampler) {
        status();
      }
      return;
    }
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
      warn_unparsed(key, parsed.get_ref<const std::string&>());
    }
    return parsed;
  }

  void warn_unparsed(std::string_view key, std::string_view text)
  {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (text[first] == '[' || text[first] == '{')) {
      m_warn("attributes." + std::string(key), "holds text that is not valid JSON; kept as plain text");
    }
  }

  // For a record the reader drops: structured()'s warning, without building the value.
  enum class Shape { absent, array, other };
  Shape check_structured(std::string_view key)
  {
    if (auto text = m_bag.text(key)) {
      if (auto is_array = json_text_is_array(*text)) {
        return *is_array ? Shape::array : Shape::other;
      }
      warn_unparsed(key, *text);
      return Shape::other; // kept as a string
    }
    const Json* value = m_bag.get(key);
    if (value == nullptr || value->is_null()) {
      return Shape::absent;
    }
    return check_text(key, parse_if_json_text(*value)).is_array() ? Shape::array : Shape::other;
  }

  // messages()'s warnings: only structured() warns there, on these keys in this order (the fast
  // path of the input and output messages succeeds exactly when structured() would parse them).
  void message_warnings()
  {
    for (std::string_view key : {"gen_ai.system_instructions", "gen_ai.input.messages",
                                 "gen_ai.output.messages", "gen_ai.prompt", "gen_ai.completion"}) {
      check_structured(key);
    }
  }

  // retrieval()'s warnings, likewise.
  void retrieval_warnings()
  {
    if (check_structured("gen_ai.retrieval.documents") == Shape::other) {
      m_warn("attributes.gen_ai.retrieval.documents", "expected an array of {id, score}; ignored");
    }
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

void map_otel_span(OtelSpan& span, TraceRecord& record, const FieldWarning& warn, MapDetail detail)
{
  Mapper(span, record, warn).run(detail);
}

} // namespace evalgate::traces
