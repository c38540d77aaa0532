#pragma once
// A test-only streaming provider: OpenAI-shaped SSE (data: {"choices":[{"delta":{"content":..}}]}
// ... data: [DONE]) so the retrying client's streaming path is tested without depending on the
// real providers' decoders. Non-streamed bodies are the answer text itself.

#include <string>
#include <string_view>

#include "providers/provider.hpp"

namespace evalgate::testing {

class SseTestDecoder final : public StreamDecoder {
public:
  Result<void> feed(std::string_view bytes) override
  {
    m_buffer.append(bytes);
    std::size_t end = 0;
    while ((end = m_buffer.find('\n')) != std::string::npos) {
      std::string line = m_buffer.substr(0, end);
      m_buffer.erase(0, end + 1);
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (!line.starts_with("data: ")) {
        continue;
      }
      const std::string data = line.substr(6);
      if (data == "[DONE]") {
        m_done = true;
        continue;
      }
      const auto chunk = Json::parse(data, nullptr, false);
      if (chunk.is_discarded()) {
        return fail(ErrorCategory::provider, "stream event is not JSON: " + data);
      }
      const Json delta = chunk.value("/choices/0/delta"_json_pointer, Json::object());
      if (delta.is_object() && delta.contains("content") && delta["content"].is_string()) {
        m_text += delta["content"].get<std::string>();
      }
      if (chunk.contains("usage") && chunk["usage"].is_object()) {
        m_usage.completion_tokens = chunk["usage"].value("completion_tokens", 0);
        m_usage.total_tokens = chunk["usage"].value("total_tokens", 0);
      }
    }
    return {};
  }
  bool has_content() const override { return !m_text.empty(); }
  Result<Completion> finish() override
  {
    if (!m_done) {
      return fail(ErrorCategory::provider, "stream ended before data: [DONE]");
    }
    return Completion{m_text, m_usage, Json()};
  }

private:
  std::string m_buffer;
  std::string m_text;
  Usage m_usage;
  bool m_done = false;
};

class SseTestProvider final : public Provider {
public:
  explicit SseTestProvider(std::string url, std::string key = "sk-test-secret-0123456789")
      : m_url(std::move(url)), m_key(std::move(key))
  {
  }
  Result<HttpRequest> encode(const CallInput&) const override
  {
    HttpRequest request;
    request.url = m_url;
    request.headers = {{"content-type", "application/json"}, {"x-api-key", m_key}};
    request.body = "{\"stream\":true}";
    request.timeout_ms = 10000;
    return request;
  }
  Result<Completion> decode(const HttpResponse& response) const override
  {
    return Completion{response.body, Usage{}, Json()};
  }
  std::vector<std::string> secrets() const override { return {m_key}; }
  std::unique_ptr<StreamDecoder> stream_decoder() const override
  {
    return std::make_unique<SseTestDecoder>();
  }

private:
  std::string m_url;
  std::string m_key;
};

} // namespace evalgate::testing
