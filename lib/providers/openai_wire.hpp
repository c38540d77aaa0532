#pragma once
// providers/openai_wire: the OpenAI Chat Completions and Embeddings wire format (providers.md §1.1,
// §1.3), shared by `openai`, the OpenAI-compatible presets and `azure-openai`, which differ only
// in URLs and headers. Pure; immutable after construction, so safe to share between threads.
//
// Chat body: {"model", "messages", ...params}; params (tools, tool_choice, response_format,
// logprobs, ...) pass through at the top level as written and win over the defaults. With
// streaming: "stream": true and "stream_options": {"include_usage": true} (unless params set
// stream_options). Decoding puts choices[0].message.tool_calls, choices[0].finish_reason and
// choices[0].logprobs into Completion.raw under "tool_calls", "finish_reason", "logprobs";
// usage.prompt_tokens_details.cached_tokens becomes Usage.cached_tokens (already inside
// prompt_tokens). Embeddings: {"model", "input": [texts]} (+ params.dimensions), vectors by
// data[i].index.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "providers/provider.hpp"
#include "providers/wire_support.hpp"

namespace evalgate {

struct OpenAiWire {
  std::string chat_url;
  std::string embed_url;
  std::string model; // empty = no "model" in the body (Azure: the deployment selects it)
  Json params = Json::object();
  HeaderList headers; // every request header, auth included
  std::vector<std::string> secrets;
  long timeout_ms = 60000;
  bool stream = false; // encode with "stream": true; stream_decoder() is non-null only then
};

std::shared_ptr<const Provider> make_openai_wire(OpenAiWire wire);

// A non-streamed chat completion body as a Completion, through a JSON tree (any shape; the
// provider's decode takes a tree-free path first for the common shape, with the same results).
Result<Completion> decode_openai_chat(std::string_view body);

// An embeddings body as one vector per input in `index` order, through a JSON tree (any shape; the
// provider's decode takes a simdjson path first for the common shape, with the same results).
Result<std::vector<std::vector<float>>> decode_openai_embeddings(std::string_view body, Usage& usage);

// OpenAI's `usage` object (chat or embeddings) as Usage; cached tokens stay inside prompt_tokens.
Usage openai_usage(const Json& usage);

// Decoder for Chat Completions SSE: `data: {chunk}` events, `data: [DONE]` final marker; a `data:`
// object with an "error" member fails the stream. Tool-call argument fragments are joined by index.
std::unique_ptr<StreamDecoder> make_openai_stream_decoder();

} // namespace evalgate
