// LangSmith runs (traces.md §5): one Run per record as list_runs returns them. Model and provider
// from extra.metadata (ls_model_name, ls_provider) with the response's model preferred; inputs and
// outputs in the LangChain-serialized, wrap_openai and @traceable shapes; retriever documents from
// outputs.documents or outputs.output; zone-less timestamps read as UTC; costs as numbers or strings.

#include "traces/json_value.hpp"
#include "traces/messages.hpp"
#include "traces/reader_context.hpp"
#include "traces/record_fields.hpp"

namespace evalgate::traces {

namespace {

TraceKind kind_from_run_type(std::string_view type)
{
  if (type == "llm") {
    return TraceKind::llm;
  }
  if (type == "chain") {
    return TraceKind::chain;
  }
  if (type == "tool") {
    return TraceKind::tool;
  }
  if (type == "retriever") {
    return TraceKind::retriever;
  }
  if (type == "embedding") {
    return TraceKind::embedding;
  }
  if (type == "prompt") {
    return TraceKind::prompt;
  }
  return TraceKind::other;
}

const Json& first_generation(const Json& outputs)
{
  const Json& generations = member(outputs, "generations");
  if (generations.is_array() && !generations.empty()) {
    const Json& first = generations.front();
    if (first.is_array() && !first.empty()) {
      return first.front();
    }
    if (first.is_object()) {
      return first;
    }
  }
  return member(outputs, "__none__");
}

std::optional<std::int64_t> positive_int(const Json& value)
{
  auto out = json_int(value);
  return out && *out > 0 ? out : std::nullopt;
}

class LangsmithReader {
public:
  explicit LangsmithReader(ReaderContext& context) : m_context(context) {}

  void run(const Json& run)
  {
    TraceRecord record;
    record.source_format = "langsmith";
    for (const auto& [key, target] :
         {std::pair{"id", &record.span_id}, std::pair{"trace_id", &record.trace_id}}) {
      const Json& value = member(run, key);
      if (!value.is_string() || value.get<std::string>().empty()) {
        m_context.warn(key, value.is_null()
                                ? "missing; run skipped"
                                : "expected a UUID string, found " + value.dump() + "; run skipped");
        return;
      }
      *target = value.get<std::string>();
    }
    record.parent_span_id = json_string(member(run, "parent_run_id"));
    record.name = json_string(member(run, "name"));
    record.operation = json_string(member(run, "run_type"));
    record.kind = kind_from_run_type(record.operation);
    record.start_unix_nano = time_member(m_context, run, "start_time", "start_time");
    record.end_unix_nano = time_member(m_context, run, "end_time", "end_time");
    const std::int64_t first_token = time_member(m_context, run, "first_token_time", "first_token_time");

    const Json& extra = member(run, "extra");
    const Json& metadata = member(extra, "metadata");
    const Json& inputs = member(run, "inputs");
    const Json& outputs = member(run, "outputs");
    const Json& generation = first_generation(outputs);
    const Json& ai_kwargs = member(member(generation, "message"), "kwargs");

    for (const Json* model : {&member(member(ai_kwargs, "response_metadata"), "model_name"),
                              &member(member(outputs, "llm_output"), "model_name"), &member(outputs, "model"),
                              &member(metadata, "ls_model_name"), &member(inputs, "model"),
                              &member(member(extra, "invocation_params"), "model")}) {
      if (record.model.empty() && model->is_string()) {
        record.model = model->get<std::string>();
      }
    }
    record.provider = normalise_provider(json_string(member(metadata, "ls_provider")));
    if (record.provider.empty() && record.kind == TraceKind::llm) {
      record.provider = provider_from_model(record.model);
    }

    // Input: chat messages (LangChain-serialized or OpenAI dicts), else the inputs as flat text.
    if (member(inputs, "messages").is_array()) {
      record.input_messages = parse_messages(member(inputs, "messages"), false);
    } else if (member(inputs, "prompts").is_array() && !member(inputs, "prompts").empty()) {
      record.input_text = json_string(member(inputs, "prompts").front());
    } else if (!inputs.is_null()) {
      record.input_text = flat_text(inputs, false);
    }

    // Output, by shape.
    if (record.kind == TraceKind::retriever) {
      const Json& docs =
          member(outputs, "documents").is_array() ? member(outputs, "documents") : member(outputs, "output");
      record.retrieved_context = documents_from(docs, record.span_id);
    } else if (!generation.is_null()) {
      if (!ai_kwargs.is_null()) {
        record.output_messages.push_back(parse_message(member(generation, "message")));
      } else {
        TraceMessage message;
        message.role = "assistant";
        message.text = json_string(member(generation, "text"));
        record.output_messages.push_back(std::move(message));
      }
    } else if (member(outputs, "choices").is_array() && !member(outputs, "choices").empty()) {
      record.output_messages = parse_messages(member(outputs, "choices").front(), true);
    } else if (!outputs.is_null() && record.kind != TraceKind::tool) {
      record.output_text =
          flat_text(member(outputs, "output").is_null() ? outputs : member(outputs, "output"), true);
    }
    for (const auto& message : record.output_messages) {
      for (const auto& call : message.tool_calls) {
        record.tool_calls.push_back(call);
      }
    }
    if (record.kind == TraceKind::tool) {
      TraceToolCall call;
      call.name = record.name;
      call.arguments = inputs;
      call.result = member(outputs, "output").is_null() ? outputs : member(outputs, "output");
      call.error = json_string(member(run, "error"));
      record.output_text = call.result.is_null()     ? ""
                           : call.result.is_string() ? call.result.get<std::string>()
                                                     : call.result.dump();
      record.tool_calls.push_back(std::move(call));
    }

    tokens(record, run, outputs, ai_kwargs);
    costs(record, run);
    if (first_token > 0 && record.start_unix_nano > 0) {
      record.ttft_ms = static_cast<double>(first_token - record.start_unix_nano) / 1e6;
    }

    const std::string status = json_string(member(run, "status"));
    const std::string error = json_string(member(run, "error"));
    if (status == "error" || (!error.empty() && status != "success")) {
      record.status = TraceStatus::error;
      record.error_message = error;
      // "APITimeoutError('Request timed out.')\n\nTraceback …" → APITimeoutError
      const auto end = error.find_first_of("(:\n");
      if (end != std::string::npos && end > 0 && error.find(' ') > end) {
        record.error_type = error.substr(0, end);
      }
    } else if (status == "success") {
      record.status = TraceStatus::ok;
    } else if (status == "pending") {
      record.metadata["raw.status"] = "pending";
    }

    for (const char* key : {"thread_id", "session_id", "conversation_id"}) {
      if (record.session_id.empty() && member(metadata, key).is_string()) {
        record.session_id = member(metadata, key).get<std::string>();
      }
    }
    record.user_id = json_string(member(metadata, "user_id"));
    if (member(run, "tags").is_array()) {
      for (const auto& tag : member(run, "tags")) {
        if (tag.is_string()) {
          record.tags.push_back(tag.get<std::string>());
        }
      }
    }
    raw_members(record.metadata, metadata,
                {"thread_id", "session_id", "conversation_id", "user_id", "ls_provider", "ls_model_name"});
    if (member(run, "session_id").is_string()) {
      record.metadata["raw.project_id"] =
          member(run, "session_id"); // the tracing project, not a conversation
    }
    for (const char* key : {"feedback_stats", "dotted_order", "reference_example_id"}) {
      if (!member(run, key).is_null()) {
        record.metadata[std::string("raw.") + key] = member(run, key);
      }
    }
    finish_record(record);
    m_context.emit(std::move(record));
  }

private:
  static void tokens(TraceRecord& record, const Json& run, const Json& outputs, const Json& ai_kwargs)
  {
    record.tokens_in = positive_int(member(run, "prompt_tokens"));
    record.tokens_out = positive_int(member(run, "completion_tokens"));
    record.tokens_total = positive_int(member(run, "total_tokens"));
    record.tokens_cache_read = json_int(member(member(run, "prompt_token_details"), "cache_read"));
    // Usage inside the outputs: wrap_openai's usage_metadata, the AIMessage's, LangChain's llm_output.
    for (const Json* usage : {&member(outputs, "usage_metadata"), &member(ai_kwargs, "usage_metadata")}) {
      if (!record.tokens_in && !record.tokens_out && usage->is_object()) {
        record.tokens_in = json_int(member(*usage, "input_tokens"));
        record.tokens_out = json_int(member(*usage, "output_tokens"));
        record.tokens_total = json_int(member(*usage, "total_tokens"));
      }
      if (!record.tokens_cache_read && usage->is_object()) {
        record.tokens_cache_read = json_int(member(member(*usage, "input_token_details"), "cache_read"));
      }
    }
    const Json& token_usage = member(member(outputs, "llm_output"), "token_usage");
    if (!record.tokens_in && !record.tokens_out && token_usage.is_object()) {
      record.tokens_in = json_int(member(token_usage, "prompt_tokens"));
      record.tokens_out = json_int(member(token_usage, "completion_tokens"));
      record.tokens_total = json_int(member(token_usage, "total_tokens"));
    }
    if (!record.tokens_in && !record.tokens_out) {
      record.tokens_total.reset();
      record.tokens_cache_read.reset();
    }
  }

  static void costs(TraceRecord& record, const Json& run)
  {
    auto total = json_double(member(run, "total_cost"));
    auto prompt = json_double(member(run, "prompt_cost"));
    auto completion = json_double(member(run, "completion_cost"));
    if (total) {
      record.cost_usd = total;
    } else if (prompt || completion) {
      record.cost_usd = prompt.value_or(0) + completion.value_or(0);
    }
    if (record.cost_usd) {
      record.cost_source = "reported";
    }
  }

  ReaderContext& m_context;
};

} // namespace

void read_langsmith_run(ReaderContext& context, simdjson::dom::element element)
{
  LangsmithReader(context).run(to_json(element));
}

} // namespace evalgate::traces
