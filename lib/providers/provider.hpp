#pragma once
// providers/provider: one HTTP API's wire format, as pure functions (no I/O, no clocks): encode a
// CallInput into an HttpRequest, decode a 2xx HttpResponse into text and usage. The retrying client
// (make_model_client) owns transport, retries and timing. Implementations are immutable after
// construction and therefore safe to share between threads.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/http.hpp"
#include "providers/model_client.hpp"

namespace evalgate {

struct Completion {
  std::string text;
  Usage usage;
  Json raw; // extras worth keeping (tool calls, logprobs, finish reason); null when none
};

// Incremental decoder of one streamed response (SSE, or NDJSON for Ollama). Fed the body as it
// arrives, in arbitrary chunk boundaries. Not thread-safe; one per request.
class StreamDecoder {
public:
  virtual ~StreamDecoder() = default;
  // Consumes more bytes; an error means the stream is not the documented shape.
  virtual Result<void> feed(std::string_view bytes) = 0;
  // True once content text has been seen (the moment that counts as time to first token).
  virtual bool has_content() const = 0;
  // After the body ended: the completion, or an error when the protocol's final marker never came
  // (a stream cut short is a failure, never a result).
  virtual Result<Completion> finish() = 0;
};

class Provider {
public:
  virtual ~Provider() = default;

  // The request for one call; errors are category data (e.g. a message the API cannot carry).
  virtual Result<HttpRequest> encode(const CallInput& input) const = 0;

  // Called only for 2xx responses. An error means the body is not the documented shape: the
  // message says what was expected and is retried like a truncated response.
  virtual Result<Completion> decode(const HttpResponse& response) const = 0;

  // Values to scrub from any stored text (API keys); empty when the provider holds none.
  virtual std::vector<std::string> secrets() const = 0;

  // Streaming: encode() with streaming requested (spec params `stream: true`) and a decoder for
  // its body. nullptr = this provider does not stream.
  virtual std::unique_ptr<StreamDecoder> stream_decoder() const { return nullptr; }

  // Embeddings: request for a batch of texts, and its decoding (one vector per text, in order).
  // The default says the API has none (category config).
  virtual Result<HttpRequest> encode_embed(const std::vector<std::string>& texts) const;
  virtual Result<std::vector<std::vector<float>>> decode_embed(const HttpResponse& response, Usage& usage) const;
};

} // namespace evalgate
