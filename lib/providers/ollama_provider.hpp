#pragma once
// providers/ollama_provider: Ollama's native API (providers.md §1.6). Pure; immutable.
//
// Request: POST {base_url}/api/chat (default base http://localhost:11434), no key (an
// Authorization: Bearer header only when api_key_env is set, for hosted Ollama). Body {"model",
// "messages", "stream": false, "options": {...}}: Ollama's default is to stream, so "stream" is
// always sent. Params: format, keep_alive, think, tools, logprobs, top_logprobs go to the top
// level; max_tokens → options.num_predict; every other key (temperature, seed, num_ctx, top_k,
// top_p, stop, ...) goes into `options`; an `options` mapping is merged.
// `stream: true`: NDJSON stream whose last object has "done": true.
// Embeddings: POST {base_url}/api/embed {"model", "input": [texts]} → embeddings[i].
//
// Decoding: message.content is the text; message.tool_calls (arguments are objects on this API)
// become raw "tool_calls" in OpenAI's shape with arguments as a JSON string; done_reason becomes
// raw "finish_reason"; logprobs become raw "logprobs" {"content": [...]}. Usage: prompt_eval_count,
// eval_count. A 200 body {"error": "..."} is a failure.

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/provider.hpp"

namespace evalgate {

inline constexpr const char* k_ollama_default_base_url = "http://localhost:11434";

Result<std::shared_ptr<const Provider>> make_ollama_provider(const ProviderSpec& spec);

// NDJSON decoder for /api/chat with "stream": true; a line {"error": ...} fails the stream, and so
// does an end of body before the object with "done": true.
std::unique_ptr<StreamDecoder> make_ollama_stream_decoder();

} // namespace evalgate
