#pragma once
// traces/messages: chat messages of every shape found in trace exports → TraceMessage: OTel GenAI
// parts ({role, parts:[{type:text|tool_call|tool_call_response, …}]}), OpenAI chat messages
// (content string or content parts, tool_calls), Anthropic content blocks, LangChain serialized
// messages ({lc, id:[…,"HumanMessage"], kwargs:{…}}) and choice wrappers ({index, message}).
// Unknown part types are ignored, never rejected (the schemas allow additional properties).
// Also the shared finishing step of every reader. Pure functions, thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "core/trace_record.hpp"
#include "core/types.hpp"

namespace evalgate::traces {

TraceMessage parse_message(const Json& message);
// An array of messages (a single message object is accepted as a one-element list). Non-object
// items are skipped; a bare string becomes a user (input) or assistant (output) message.
std::vector<TraceMessage> parse_messages(const Json& list, bool output);
// The text of GenAI parts or OpenAI content parts (or a plain string), text parts joined by "\n".
std::string parts_text(const Json& parts);
// The text of the last message with `role` that has any text; "" when none.
std::string last_text(const std::vector<TraceMessage>& messages, std::string_view role);

// The human text of a free-form input/output value: a string as is; a message list → the last
// user (input) or assistant (output) text; an object with one of the usual keys (question, query,
// input, prompt, answer, output, text, content, message) → that; anything else → compact JSON.
std::string flat_text(const Json& value, bool output);

// "human" → "user", "ai" → "assistant", "function" → "tool"; others lowercased.
std::string normalise_role(std::string_view role);
// Lowercase OTel gen_ai.provider.name vocabulary: the deprecated gen_ai.system spellings and the
// OpenInference / LangSmith names map onto it (az.ai.openai → azure.ai.openai, google → gcp.vertex_ai,
// aws/amazon/bedrock → aws.bedrock, mistralai → mistral_ai, xai → x_ai, …); unknown names lowercased.
std::string normalise_provider(std::string_view provider);
// The provider a model name implies (gpt-/o1/o3/o4/text-embedding- → openai, claude → anthropic,
// gemini → gcp.gemini, mistral → mistral_ai, …), "" when unknown. Used when a format has no
// provider field (Langfuse).
std::string provider_from_model(std::string_view model);

// The step every reader ends with: input_text/output_text/system_instructions derived from the
// messages when absent, tokens_total = in + out when absent, latency from the timestamps when
// absent, trace_id_norm, and the cost: reported stays; otherwise computed from the shipped price
// table when the model is known and tokens were counted (cost_source "computed"), else unknown.
void finish_record(TraceRecord& record);

} // namespace evalgate::traces
