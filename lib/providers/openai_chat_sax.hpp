#pragma once
// providers/openai_chat_sax: the common OpenAI chat completion body (one choice whose message
// content is a string or null, finish_reason, integer usage counts) decoded in one SAX pass, with
// no JSON tree built: the tree and its destruction cost more than the rest of a request's decode.
// Anything else (tool calls, logprobs, array content, fractional counts, a key given twice, a
// malformed or deeply nested body, an error body) gives nullopt, and the caller decodes the body
// the general way, so the result, and every error message, is what that decode gives. Pure.

#include <optional>
#include <string_view>

#include "providers/provider.hpp"

namespace evalgate {

// The Completion OpenAiWire's general decode returns for `body`, when `body` is of the common
// shape above; nullopt otherwise.
std::optional<Completion> decode_openai_chat_common(std::string_view body);

} // namespace evalgate
