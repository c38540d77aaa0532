#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "providers/gemini_provider.hpp"
#include "providers/sse.hpp"
#include "providers/wire_support.hpp"

namespace evalgate {

namespace {

// alt=sse has no [DONE] sentinel (providers.md §1.9): the chunk with finishReason is the marker.
class GeminiStreamDecoder final : public StreamDecoder {
public:
  Result<void> feed(std::string_view bytes) override
  {
    return m_sse.feed(bytes, [this](const SseEvent& event) { return on_event(event); });
  }

  bool has_content() const override { return m_accumulator.has_content; }

  Result<Completion> finish() override
  {
    if (auto ok = m_sse.finish([this](const SseEvent& event) { return on_event(event); }); !ok) {
      return fail(ok.error());
    }
    if (m_accumulator.finish_reason.empty()) {
      return fail(ErrorCategory::data,
                  "stream ended without a chunk carrying finishReason (truncated response)");
    }
    return m_accumulator.completion();
  }

private:
  Result<void> on_event(const SseEvent& event)
  {
    const auto chunk = parse_json_bounded(event.data);
    if (chunk.is_discarded()) {
      return fail(ErrorCategory::data,
                  fmt::format("malformed stream: an event's data is not JSON ({} bytes)", event.data.size()));
    }
    if (auto message = error_member_message(chunk)) {
      return fail(ErrorCategory::data, fmt::format("error event in the stream: {}", *message));
    }
    return guard_json([&] { return m_accumulator.add(chunk); });
  }

  SseParser m_sse;
  GeminiAccumulator m_accumulator;
};

} // namespace

std::unique_ptr<StreamDecoder> make_gemini_stream_decoder()
{
  return std::make_unique<GeminiStreamDecoder>();
}

} // namespace evalgate
