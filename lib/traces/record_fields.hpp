#pragma once
// traces/record_fields: mapping helpers shared by the readers of free-form JSON formats (Langfuse,
// LangSmith): timestamps, numbers that may be strings, retrieved documents in their usual
// conventions, and the "raw.<key>" metadata copy. Internal to lib/traces; pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace_record.hpp"
#include "core/types.hpp"
#include "traces/reader_context.hpp"

namespace evalgate::traces {

// An ISO-8601 member as Unix nanoseconds; 0 when absent or null; a warning naming `field` when it
// is not a timestamp.
std::int64_t time_member(ReaderContext& context, const Json& object, std::string_view key,
                         const std::string& field);

// A list of documents in the usual conventions ([{page_content|content|text, metadata, id, score}]
// or {documents: [...]}, LangChain's Document included) → RetrievedDocument (rank = position).
std::vector<RetrievedDocument> documents_from(const Json& value, const std::string& span_id);
bool looks_like_documents(const Json& value);

// Copies every member of `object` not listed in `skip` into metadata as "raw.<key>" (existing
// members win).
void raw_members(Json& metadata, const Json& object, std::initializer_list<std::string_view> skip = {});

// Sets a message list or flat text from a free-form input/output value: message lists (OpenAI,
// LangChain, {messages:[...]}) become messages, anything else flat text.
void set_input(TraceRecord& record, const Json& value);
void set_output(TraceRecord& record, const Json& value);

} // namespace evalgate::traces
