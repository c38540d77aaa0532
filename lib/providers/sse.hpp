#pragma once
// providers/sse: incremental parsers for the two streaming framings providers use — Server-Sent
// Events (WHATWG event-stream: OpenAI, Anthropic, Gemini alt=sse) and newline-delimited JSON
// (Ollama). Fed bytes in arbitrary chunk boundaries (a chunk may end between '\r' and '\n' or inside
// a UTF-8 sequence); whole events come out. Not thread-safe; one per stream. Pure, no I/O.

#include <functional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace evalgate {

struct SseEvent {
  std::string name; // the `event:` field; empty for data-only streams
  std::string data; // `data:` lines joined with '\n'
};

class SseParser {
public:
  // Called once per dispatched event (a blank line ends one). An error stops parsing and is
  // returned by feed()/finish().
  using OnEvent = std::function<Result<void>(const SseEvent&)>;

  // Lines split on "\r\n", "\n" or "\r"; ':' lines are comments (keep-alives such as OpenRouter's
  // ": OPENROUTER PROCESSING"); one space after "field:" is stripped; unknown fields are ignored.
  Result<void> feed(std::string_view bytes, const OnEvent& on_event);
  // End of body: a last line or event without its terminating blank line is still dispatched
  // (servers differ; a cut-off JSON payload fails to parse in the caller anyway).
  Result<void> finish(const OnEvent& on_event);

private:
  Result<void> line(std::string_view text, const OnEvent& on_event);

  std::string m_line;
  bool m_after_cr = false;
  SseEvent m_event;
  bool m_has_data = false;
};

// Newline-delimited JSON: one callback per non-blank line; a last line without '\n' is delivered
// by finish().
class NdjsonParser {
public:
  using OnLine = std::function<Result<void>(std::string_view)>;
  Result<void> feed(std::string_view bytes, const OnLine& on_line);
  Result<void> finish(const OnLine& on_line);

private:
  std::string m_buffer;
};

} // namespace evalgate
