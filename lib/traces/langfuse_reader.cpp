// Langfuse exports (traces.md §4): a trace with its observations (TraceWithFullDetails, the v1
// GET /api/public/traces/{id}), a trace row without them (traces list / UI batch export), or one
// observation per record (v1 ObservationsView, v2 ObservationV2 whose input/output are JSON text,
// UI batch-export rows). Trace-level session, user, tags and metadata apply to every observation;
// a trace without observation objects becomes one record of its own.

#include <algorithm>
#include <cmath>

#include "traces/json_value.hpp"
#include "traces/messages.hpp"
#include "traces/reader_context.hpp"
#include "traces/record_fields.hpp"

namespace evalgate::traces {

namespace {

struct TraceFacts {
  std::string id;
  std::string session_id;
  std::string user_id;
  std::vector<std::string> tags;
  Json metadata = Json::object(); // already "raw."-prefixed
};

TraceKind kind_from_type(std::string_view type, std::string_view name)
{
  if (type == "GENERATION") {
    return TraceKind::llm;
  }
  static const std::pair<const char*, TraceKind> k_types[] = {
      {"EMBEDDING", TraceKind::embedding}, {"RETRIEVER", TraceKind::retriever},
      {"TOOL", TraceKind::tool},           {"AGENT", TraceKind::agent},
      {"CHAIN", TraceKind::chain},         {"GUARDRAIL", TraceKind::guardrail},
      {"EVALUATOR", TraceKind::evaluator},
  };
  for (const auto& [name_, kind] : k_types) {
    if (type == name_) {
      return kind;
    }
  }
  // SPAN / EVENT: older SDKs name retrieval steps rather than typing them.
  const std::string lower = to_lower(name);
  if (lower.find("retriev") != std::string::npos) {
    return TraceKind::retriever;
  }
  if (lower.find("rerank") != std::string::npos) {
    return TraceKind::reranker;
  }
  return TraceKind::other;
}

std::vector<std::string> string_list(const Json& value)
{
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  }
  return out;
}

std::optional<double> positive(const Json& value)
{
  auto out = json_double(value);
  if (out && std::isfinite(*out)) {
    return out;
  }
  return std::nullopt;
}

void usage(TraceRecord& record, const Json& obs)
{
  const Json& details = member(obs, "usageDetails");
  std::int64_t in = 0, out = 0;
  bool any = false;
  if (details.is_object()) {
    for (auto it = details.begin(); it != details.end(); ++it) {
      const auto value = json_int(it.value()).value_or(0);
      any = any || value != 0;
      // Langfuse's own reduction (reduceUsageOrCostDetails): keys containing input / output.
      if (it.key().find("input") != std::string::npos) {
        in += value;
      } else if (it.key().find("output") != std::string::npos) {
        out += value;
      }
    }
  }
  if (any) {
    record.tokens_in = in;
    record.tokens_out = out;
    if (auto total = json_int(member(details, "total"))) {
      record.tokens_total = total;
    }
    for (const char* key : {"input_cached_tokens", "input_cache_read", "cache_read_input_tokens"}) {
      if (!record.tokens_cache_read) {
        record.tokens_cache_read = json_int(member(details, key));
      }
    }
    return;
  }
  // The deprecated usage object, and the flat columns of batch-export rows.
  const Json& legacy = member(obs, "usage");
  auto in2 = json_int(member(legacy, "input"));
  auto out2 = json_int(member(legacy, "output"));
  auto total2 = json_int(member(legacy, "total"));
  if (!in2 && !out2) {
    in2 = json_int(member(obs, "inputUsage"));
    out2 = json_int(member(obs, "outputUsage"));
    total2 = json_int(member(obs, "totalUsage"));
  }
  if (in2.value_or(0) != 0 || out2.value_or(0) != 0) {
    record.tokens_in = in2;
    record.tokens_out = out2;
    record.tokens_total = total2;
  }
}

void cost(TraceRecord& record, const Json& obs)
{
  const Json& details = member(obs, "costDetails");
  std::optional<double> value = positive(member(details, "total"));
  if (!value && details.is_object() && !details.empty()) {
    double sum = 0;
    for (auto it = details.begin(); it != details.end(); ++it) {
      sum += json_double(it.value()).value_or(0);
    }
    value = sum;
  }
  for (const char* key : {"calculatedTotalCost", "totalCost"}) {
    if (!value) {
      value = positive(member(obs, key));
    }
  }
  if (!value) {
    value = positive(member(member(obs, "usage"), "totalCost"));
  }
  if (value) {
    record.cost_usd = value;
    record.cost_source = "reported";
  }
}

class LangfuseReader {
public:
  explicit LangfuseReader(ReaderContext& context) : m_context(context) {}

  void item(const Json& item)
  {
    if (item.contains("observations") || !item.contains("traceId")) {
      trace(item);
    } else {
      TraceFacts facts;
      facts.id = json_string(member(item, "traceId"));
      facts.session_id = json_string(member(item, "sessionId"));
      facts.user_id = json_string(member(item, "userId"));
      facts.tags =
          string_list(member(item, "tags").is_array() ? member(item, "tags") : member(item, "traceTags"));
      observation(item, facts, "", nullptr);
    }
  }

private:
  void trace(const Json& trace)
  {
    TraceFacts facts;
    const Json& id = member(trace, "id");
    if (!id.is_string() || id.get<std::string>().empty()) {
      m_context.warn("id", id.is_null() ? "missing; trace skipped"
                                        : "expected a string, found " + id.dump() + "; trace skipped");
      return;
    }
    facts.id = id.get<std::string>();
    facts.session_id = json_string(member(trace, "sessionId"));
    facts.user_id = json_string(member(trace, "userId"));
    facts.tags = string_list(member(trace, "tags"));
    raw_members(facts.metadata, member(trace, "metadata"));
    for (const char* key : {"environment", "release", "version"}) {
      if (member(trace, key).is_string()) {
        facts.metadata[std::string("raw.") + key] = member(trace, key);
      }
    }
    const Json& observations = member(trace, "observations");
    std::vector<const Json*> objects;
    if (observations.is_array()) {
      for (const auto& obs : observations) {
        if (obs.is_object()) {
          objects.push_back(&obs);
        }
      }
    } else if (!observations.is_null()) {
      m_context.warn("observations", "expected an array; the trace is read without them");
    }
    if (objects.empty()) {
      trace_as_record(trace, facts);
      return;
    }
    // The root observation answers for the trace: it gets the trace's input/output and scores.
    std::vector<std::string> ids;
    for (const Json* obs : objects) {
      ids.push_back(json_string(member(*obs, "id")));
    }
    for (std::size_t i = 0; i < objects.size(); ++i) {
      const std::string parent = json_string(member(*objects[i], "parentObservationId"));
      const bool root = parent.empty() || std::find(ids.begin(), ids.end(), parent) == ids.end();
      observation(*objects[i], facts, "observations[" + std::to_string(i) + "]", root ? &trace : nullptr);
      if (m_context.stopped()) {
        return;
      }
    }
  }

  void trace_as_record(const Json& trace, const TraceFacts& facts)
  {
    TraceRecord record;
    record.source_format = "langfuse";
    record.trace_id = facts.id;
    record.span_id = facts.id;
    record.kind = TraceKind::agent;
    record.operation = "trace";
    record.name = json_string(member(trace, "name"));
    record.start_unix_nano = time_member(m_context, trace, "timestamp", "timestamp");
    set_input(record, member(trace, "input"));
    set_output(record, member(trace, "output"));
    if (auto latency = positive(member(trace, "latency"))) {
      record.latency_ms = *latency * 1000.0;
      record.end_unix_nano = record.start_unix_nano + static_cast<std::int64_t>(*latency * 1e9);
    }
    if (auto total = positive(member(trace, "totalCost"))) {
      record.cost_usd = total;
      record.cost_source = "reported";
    }
    record.status = TraceStatus::ok;
    apply(record, facts, &trace);
    finish_record(record);
    m_context.emit(std::move(record));
  }

  void apply(TraceRecord& record, const TraceFacts& facts, const Json* trace)
  {
    record.session_id = record.session_id.empty() ? facts.session_id : record.session_id;
    record.user_id = record.user_id.empty() ? facts.user_id : record.user_id;
    if (record.tags.empty()) {
      record.tags = facts.tags;
    }
    for (auto it = facts.metadata.begin(); it != facts.metadata.end(); ++it) {
      if (!record.metadata.contains(it.key())) {
        record.metadata[it.key()] = it.value();
      }
    }
    if (trace != nullptr && member(*trace, "scores").is_array() && !member(*trace, "scores").empty()) {
      Json scores = Json::array();
      for (const auto& score : member(*trace, "scores")) {
        scores.push_back(Json{{"name", member(score, "name")},
                              {"value", member(score, "value")},
                              {"dataType", member(score, "dataType")},
                              {"comment", member(score, "comment")}});
      }
      record.metadata["langfuse.scores"] = std::move(scores);
    }
  }

  void observation(const Json& obs, const TraceFacts& facts, const std::string& field, const Json* trace)
  {
    auto at = [&](const std::string& leaf) { return field.empty() ? leaf : field + "." + leaf; };
    TraceRecord record;
    record.source_format = "langfuse";
    const Json& id = member(obs, "id");
    if (!id.is_string() || id.get<std::string>().empty()) {
      m_context.warn(at("id"), id.is_null()
                                   ? "missing; observation skipped"
                                   : "expected a string, found " + id.dump() + "; observation skipped");
      return;
    }
    record.span_id = id.get<std::string>();
    record.trace_id =
        member(obs, "traceId").is_string() ? member(obs, "traceId").get<std::string>() : facts.id;
    if (record.trace_id.empty()) {
      m_context.warn(at("traceId"), "missing; observation skipped");
      return;
    }
    record.parent_span_id = json_string(member(obs, "parentObservationId"));
    record.name = json_string(member(obs, "name"));
    record.operation = json_string(member(obs, "type"));
    record.kind = kind_from_type(record.operation, record.name);
    record.model = json_string(member(obs, "model"));
    if (record.model.empty()) {
      record.model = json_string(member(obs, "providedModelName"));
    }
    const Json& metadata = parse_if_json_text(member(obs, "metadata"));
    std::string provider = json_string(member(metadata, "ls_provider"));
    if (provider.empty()) {
      provider = json_string(member(metadata, "provider"));
    }
    record.provider = provider.empty() ? provider_from_model(record.model) : normalise_provider(provider);
    record.start_unix_nano = time_member(m_context, obs, "startTime", at("startTime"));
    record.end_unix_nano = time_member(m_context, obs, "endTime", at("endTime"));
    const std::int64_t first_token =
        time_member(m_context, obs, "completionStartTime", at("completionStartTime"));

    Json input = parse_if_json_text(member(obs, "input"));
    Json output = parse_if_json_text(member(obs, "output"));
    if (trace != nullptr) {
      if (input.is_null()) {
        input = member(*trace, "input");
      }
      if (output.is_null()) {
        output = member(*trace, "output");
      }
    }
    set_input(record, input);
    if (record.kind == TraceKind::retriever || record.kind == TraceKind::reranker ||
        (record.kind == TraceKind::other && looks_like_documents(output))) {
      record.retrieved_context = documents_from(output, record.span_id);
      if (!record.retrieved_context.empty() && record.kind == TraceKind::other) {
        record.kind = TraceKind::retriever;
      }
      record.output_text = output.is_null() ? "" : output.dump();
    } else {
      set_output(record, output);
    }
    if (record.kind == TraceKind::tool) {
      TraceToolCall call;
      call.name = record.name;
      call.arguments = input;
      call.result = output;
      record.tool_calls.push_back(std::move(call));
    }

    usage(record, obs);
    cost(record, obs);
    if (auto latency = positive(member(obs, "latency"))) {
      record.latency_ms = *latency * 1000.0;
    }
    if (auto ttft = positive(member(obs, "timeToFirstToken"))) {
      record.ttft_ms = *ttft * 1000.0;
    } else if (first_token > 0 && record.start_unix_nano > 0) {
      record.ttft_ms = static_cast<double>(first_token - record.start_unix_nano) / 1e6;
    }
    const std::string level = json_string(member(obs, "level"));
    if (level == "ERROR") {
      record.status = TraceStatus::error;
      record.error_message = json_string(member(obs, "statusMessage"));
    } else {
      record.status = TraceStatus::ok;
      if (level == "WARNING") {
        record.metadata["raw.level"] = level;
        record.metadata["raw.statusMessage"] = member(obs, "statusMessage");
      }
    }
    raw_members(record.metadata, metadata);
    for (const char* key : {"environment", "release", "version"}) {
      if (member(obs, key).is_string()) {
        record.metadata[std::string("raw.") + key] = member(obs, key);
      }
    }
    if (member(obs, "modelParameters").is_object()) {
      record.metadata["raw.modelParameters"] = member(obs, "modelParameters");
    }
    if (member(obs, "promptName").is_string()) {
      const Json& version = member(obs, "promptVersion");
      record.metadata["raw.prompt"] =
          member(obs, "promptName").get<std::string>() +
          (version.is_null() ? ""
                             : "@" + (version.is_string() ? version.get<std::string>() : version.dump()));
    }
    apply(record, facts, trace);
    finish_record(record);
    m_context.emit(std::move(record));
  }

  ReaderContext& m_context;
};

} // namespace

void read_langfuse_item(ReaderContext& context, simdjson::dom::element element)
{
  LangfuseReader(context).item(to_json(element));
}

} // namespace evalgate::traces
