#pragma once
// traces/otel_lists: the flattened list attributes of OpenInference and OpenLLMetry
// ("llm.input_messages.N.message.role", "retrieval.documents.N.document.content",
// "gen_ai.prompt.N.content") read back into messages and documents, and the document shapes
// producers write. Internal to lib/traces; pure.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/trace_record.hpp"
#include "core/types.hpp"
#include "traces/otel_span.hpp"

namespace evalgate::traces {

// A string value as is, anything else as compact JSON, "" for null/absent.
std::string text_of(const Json* value);
// (index, rest of the key) of "<N>.<rest>", or nullopt.
std::optional<std::pair<int, std::string_view>> split_index(std::string_view key);
// Messages from prefix.N.<inner><field> keys (role, content, contents.M…, tool_calls.K…), by index.
std::vector<TraceMessage> flattened_messages(AttributeBag& bag, std::string_view prefix,
                                             std::string_view inner);
// One retrieved document from {id, score, content|page_content|text, metadata}.
RetrievedDocument document_from_json(const Json& doc, int rank, const std::string& span_id);
// Documents from prefix.N.document.<field> keys (metadata as JSON text or flattened), by index.
std::vector<RetrievedDocument> flattened_documents(AttributeBag& bag, std::string_view prefix,
                                                   const std::string& span_id);

} // namespace evalgate::traces
