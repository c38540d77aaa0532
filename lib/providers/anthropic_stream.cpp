#include <cstdint>
#include <map>

#include <fmt/format.h>

#include "core/json_depth.hpp"
#include "providers/anthropic_provider.hpp"
#include "providers/sse.hpp"
#include "providers/wire_support.hpp"

namespace evalgate {

namespace {

struct Block {
  std::string type;
  std::string id;
  std::string name;
  std::string json; // input_json_delta fragments of a tool_use block
};

// A content block's `index`; 0 when absent or not an integer. Read by hand because
// value("index", 0) casts a fractional index such as 1e300 to int, which is undefined behaviour.
std::int64_t block_index(const Json& data)
{
  const auto it = data.find("index");
  return it != data.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

class AnthropicStreamDecoder final : public StreamDecoder {
public:
  Result<void> feed(std::string_view bytes) override
  {
    return m_sse.feed(bytes,
                      [this](const SseEvent& event) { return guard_json([&] { return on_event(event); }); });
  }

  bool has_content() const override { return m_has_content; }

  Result<Completion> finish() override
  {
    if (auto ok = m_sse.finish(
            [this](const SseEvent& event) { return guard_json([&] { return on_event(event); }); });
        !ok) {
      return fail(ok.error());
    }
    if (!m_stopped) {
      return fail(ErrorCategory::data, "stream ended without 'message_stop' (truncated response)");
    }
    Completion completion;
    completion.text = std::move(m_text);
    completion.usage = anthropic_usage(m_usage);
    Json raw = Json::object();
    Json calls = Json::array();
    for (const auto& [index, block] : m_blocks) {
      if (block.type == "tool_use") {
        calls.push_back(anthropic_tool_call(block.id, block.name, block.json.empty() ? "{}" : block.json));
      }
    }
    if (!calls.empty()) {
      raw["tool_calls"] = std::move(calls);
    }
    if (!m_stop_reason.empty()) {
      raw["finish_reason"] = m_stop_reason;
    }
    if (!raw.empty()) {
      completion.raw = std::move(raw);
    }
    return completion;
  }

private:
  Result<void> on_event(const SseEvent& event)
  {
    if (m_stopped) {
      return {};
    }
    const auto data = parse_json_bounded(event.data);
    if (data.is_discarded() || !data.is_object()) {
      return fail(ErrorCategory::data,
                  fmt::format("malformed stream: an event's data is not a JSON object ({} bytes)",
                              event.data.size()));
    }
    // The data's own "type" names the event; the SSE event name is the same when present.
    const std::string type = data.value("type", event.name);
    if (type == "error") {
      return fail(ErrorCategory::data, fmt::format("error event in the stream: {}",
                                                   error_member_message(data).value_or("(no message)")));
    }
    if (type == "message_start") {
      if (data.contains("message") && data["message"].is_object()) {
        merge_usage(data["message"].value("usage", Json::object()));
      }
    } else if (type == "content_block_start") {
      const Json block = data.value("content_block", Json::object());
      Block& entry = m_blocks[block_index(data)];
      entry.type = block.value("type", "");
      entry.id = block.value("id", "");
      entry.name = block.value("name", "");
      if (entry.type == "text" && block.contains("text") && block["text"].is_string()) {
        append_text(block["text"].get<std::string>());
      }
    } else if (type == "content_block_delta") {
      const Json delta = data.value("delta", Json::object());
      const std::string delta_type = delta.value("type", "");
      if (delta_type == "text_delta") {
        append_text(delta.value("text", ""));
      } else if (delta_type == "input_json_delta") {
        m_blocks[block_index(data)].json += delta.value("partial_json", "");
        m_has_content = true;
      }
    } else if (type == "message_delta") {
      const Json delta = data.value("delta", Json::object());
      if (delta.contains("stop_reason") && delta["stop_reason"].is_string()) {
        m_stop_reason = delta["stop_reason"].get<std::string>();
      }
      merge_usage(data.value("usage", Json::object()));
    } else if (type == "message_stop") {
      m_stopped = true;
    }
    // ping, content_block_stop and unknown future events carry nothing we keep.
    return {};
  }

  void append_text(const std::string& text)
  {
    m_has_content = m_has_content || !text.empty();
    m_text += text;
  }

  // message_delta usage counts are cumulative: a later value replaces an earlier one.
  void merge_usage(const Json& usage)
  {
    if (!usage.is_object()) {
      return;
    }
    for (const auto& [key, value] : usage.items()) {
      if (value.is_number()) {
        m_usage[key] = value;
      }
    }
  }

  SseParser m_sse;
  bool m_stopped = false;
  bool m_has_content = false;
  std::string m_text;
  std::string m_stop_reason;
  Json m_usage = Json::object();
  std::map<std::int64_t, Block> m_blocks;
};

} // namespace

std::unique_ptr<StreamDecoder> make_anthropic_stream_decoder()
{
  return std::make_unique<AnthropicStreamDecoder>();
}

} // namespace evalgate
