#pragma once
// providers/gemini_provider: Google Gemini generateContent / streamGenerateContent / embeddings
// (providers.md §1.5). Pure; immutable.
//
// Request: POST {base_url}/models/{model}:generateContent (default base
// https://generativelanguage.googleapis.com/v1beta), key in the `x-goog-api-key` header — never in
// the URL (`?key=` leaks into logs). Key from api_key_env, default GEMINI_API_KEY. Body:
// {"systemInstruction": {"parts": [{"text"}]}, "contents": [{"role": "user"|"model", "parts":
// [{"text"}]}], "generationConfig": {...}}. Params: safetySettings, tools, toolConfig,
// cachedContent (snake_case accepted) go to the top level; max_tokens → maxOutputTokens, stop →
// stopSequences, every other key goes into generationConfig with snake_case turned camelCase
// (temperature, top_p → topP, seed, response_mime_type, ...); a `generationConfig` mapping is merged.
// `stream: true`: POST ...:streamGenerateContent?alt=sse; the last chunk carries finishReason.
// Embeddings: POST {base_url}/models/{model}:batchEmbedContents, vectors from embeddings[i].values
// (params.dimensions → outputDimensionality, params.task_type → taskType).
//
// Decoding: text parts of candidates[0] are joined (thought parts skipped); functionCall parts
// become raw "tool_calls" (OpenAI shape); finishReason becomes raw "finish_reason" as written
// ("STOP", "MAX_TOKENS", ...). A prompt blocked by safety (no candidates, promptFeedback.blockReason)
// is an empty output with raw "finish_reason" = the block reason, not an error. Usage:
// promptTokenCount (already includes cachedContentTokenCount), candidatesTokenCount +
// thoughtsTokenCount, cachedContentTokenCount → cached_tokens.

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/provider.hpp"

namespace evalgate {

inline constexpr const char* k_gemini_default_base_url = "https://generativelanguage.googleapis.com/v1beta";

// Errors are category config at spec.location.
Result<std::shared_ptr<const Provider>> make_gemini_provider(const ProviderSpec& spec);

// What one GenerateContentResponse (a whole response or one streamed chunk) adds to a completion.
struct GeminiAccumulator {
  std::string text;
  Json tool_calls = Json::array();
  std::string finish_reason;
  Usage usage;
  bool has_content = false;
  bool has_candidates = false;

  // Errors: an "error" member, or a body that is not a GenerateContentResponse.
  Result<void> add(const Json& response);
  Completion completion() const;
};

// SSE decoder for streamGenerateContent?alt=sse: data-only events, each a GenerateContentResponse;
// the stream is complete only when a chunk carried finishReason (or a prompt block reason).
std::unique_ptr<StreamDecoder> make_gemini_stream_decoder();

} // namespace evalgate
