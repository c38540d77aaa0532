#include "providers/openai_wire.hpp"

#include "core/json_depth.hpp"

#include <map>

#include <fmt/format.h>

#include "providers/sse.hpp"

namespace evalgate {

namespace {

// Chat Completions chunks (providers.md §1.1): choices[0].delta carries content and tool-call
// fragments (keyed by index), the last choice chunk a finish_reason, an extra chunk with empty
// choices the usage, then `data: [DONE]`.
class OpenAiStreamDecoder final : public StreamDecoder {
public:
  Result<void> feed(std::string_view bytes) override
  {
    return m_sse.feed(bytes, [this](const SseEvent& event) { return on_event(event); });
  }

  bool has_content() const override { return m_has_content; }

  Result<Completion> finish() override
  {
    if (auto ok = m_sse.finish([this](const SseEvent& event) { return on_event(event); }); !ok) {
      return fail(ok.error());
    }
    if (!m_done) {
      return fail(ErrorCategory::data, "stream ended without 'data: [DONE]' (truncated response)");
    }
    Completion completion;
    completion.text = std::move(m_text);
    completion.usage = m_usage;
    Json raw = Json::object();
    if (!m_calls.empty()) {
      Json calls = Json::array();
      for (auto& [index, call] : m_calls) {
        calls.push_back(std::move(call));
      }
      raw["tool_calls"] = std::move(calls);
    }
    if (!m_finish_reason.empty()) {
      raw["finish_reason"] = m_finish_reason;
    }
    if (!m_logprobs.empty()) {
      raw["logprobs"] = {{"content", std::move(m_logprobs)}};
    }
    if (!raw.empty()) {
      completion.raw = std::move(raw);
    }
    return completion;
  }

private:
  Result<void> on_event(const SseEvent& event)
  {
    if (m_done) {
      return {};
    }
    if (event.data == "[DONE]") {
      m_done = true;
      return {};
    }
    const auto chunk = parse_json_bounded(event.data);
    if (chunk.is_discarded() || !chunk.is_object()) {
      return fail(ErrorCategory::data,
                  fmt::format("malformed stream: an event's data is not a JSON object ({} bytes)",
                              event.data.size()));
    }
    if (auto message = error_member_message(chunk)) {
      return fail(ErrorCategory::data, fmt::format("error event in the stream: {}", *message));
    }
    if (const auto usage = chunk.find("usage"); usage != chunk.end() && usage->is_object()) {
      m_usage = openai_usage(*usage);
    }
    const auto choices = chunk.find("choices");
    if (choices == chunk.end() || !choices->is_array() || choices->empty()) {
      return {};
    }
    const Json& choice = (*choices)[0];
    if (!choice.is_object()) {
      return {};
    }
    if (const auto reason = choice.find("finish_reason"); reason != choice.end() && reason->is_string()) {
      m_finish_reason = reason->get<std::string>();
    }
    if (const auto logprobs = choice.find("logprobs"); logprobs != choice.end() && logprobs->is_object()) {
      if (const auto content = logprobs->find("content"); content != logprobs->end() && content->is_array()) {
        for (const auto& item : *content) {
          m_logprobs.push_back(item);
        }
      }
    }
    const auto delta = choice.find("delta");
    if (delta == choice.end() || !delta->is_object()) {
      return {};
    }
    if (const auto content = delta->find("content"); content != delta->end()) {
      const std::string text = content_text(*content);
      m_has_content = m_has_content || !text.empty();
      m_text += text;
    }
    if (const auto calls = delta->find("tool_calls"); calls != delta->end() && calls->is_array()) {
      for (const auto& fragment : *calls) {
        merge_tool_call(fragment);
      }
    }
    return {};
  }

  void merge_tool_call(const Json& fragment)
  {
    if (!fragment.is_object()) {
      return;
    }
    const int index = fragment.contains("index") && fragment["index"].is_number_integer()
                          ? fragment["index"].get<int>()
                          : static_cast<int>(m_calls.size());
    auto [it, inserted] = m_calls.try_emplace(index);
    Json& call = it->second;
    if (inserted) {
      call = {{"id", ""}, {"type", "function"}, {"function", {{"name", ""}, {"arguments", ""}}}};
    }
    m_has_content = true;
    if (fragment.contains("id") && fragment["id"].is_string()) {
      call["id"] = fragment["id"];
    }
    const auto function = fragment.find("function");
    if (function == fragment.end() || !function->is_object()) {
      return;
    }
    if (function->contains("name") && (*function)["name"].is_string()) {
      call["function"]["name"] =
          call["function"]["name"].get<std::string>() + (*function)["name"].get<std::string>();
    }
    if (function->contains("arguments") && (*function)["arguments"].is_string()) {
      call["function"]["arguments"] =
          call["function"]["arguments"].get<std::string>() + (*function)["arguments"].get<std::string>();
    }
  }

  SseParser m_sse;
  bool m_done = false;
  bool m_has_content = false;
  std::string m_text;
  Usage m_usage;
  std::string m_finish_reason;
  std::map<int, Json> m_calls;
  Json m_logprobs = Json::array();
};

} // namespace

std::unique_ptr<StreamDecoder> make_openai_stream_decoder()
{
  return std::make_unique<OpenAiStreamDecoder>();
}

} // namespace evalgate
