#pragma once
// traces/message_dom: the fast path for the commonest message attribute, a JSON string holding
// GenAI or OpenAI chat messages: parsed with simdjson straight into TraceMessages, without an
// intermediate nlohmann::json tree. Shapes it does not know fall back to parse_message() on Json,
// so the result is the same as the general path. Internal to lib/traces; thread-safe (one parser
// per thread).

#include <string_view>
#include <vector>

#include "core/trace_record.hpp"

namespace evalgate::traces {

// false when `text` is not a JSON array/object (the caller takes the general path and warns).
bool parse_messages_text(std::string_view text, bool output, std::vector<TraceMessage>& out);

} // namespace evalgate::traces
