#include "providers/sse.hpp"

namespace evalgate {

Result<void> SseParser::feed(std::string_view bytes, const OnEvent& on_event)
{
  for (const char c : bytes) {
    if (c == '\n' && m_after_cr) {
      // The '\n' of a "\r\n" split across chunks: the line was already ended by '\r'.
      m_after_cr = false;
      continue;
    }
    m_after_cr = false;
    if (c == '\r' || c == '\n') {
      m_after_cr = c == '\r';
      auto ok = line(m_line, on_event);
      m_line.clear();
      if (!ok) {
        return ok;
      }
      continue;
    }
    m_line += c;
  }
  return {};
}

Result<void> SseParser::finish(const OnEvent& on_event)
{
  if (!m_line.empty()) {
    auto ok = line(m_line, on_event);
    m_line.clear();
    if (!ok) {
      return ok;
    }
  }
  return line("", on_event);
}

Result<void> SseParser::line(std::string_view text, const OnEvent& on_event)
{
  if (text.empty()) {
    if (!m_has_data) {
      m_event.name.clear();
      return {};
    }
    SseEvent event = std::move(m_event);
    m_event = SseEvent{};
    m_has_data = false;
    return on_event(event);
  }
  if (text.front() == ':') {
    return {};
  }
  const std::size_t colon = text.find(':');
  const std::string_view field = text.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') {
    value.remove_prefix(1);
  }
  if (field == "data") {
    if (m_has_data) {
      m_event.data += '\n';
    }
    m_event.data.append(value);
    m_has_data = true;
  } else if (field == "event") {
    m_event.name = std::string(value);
  }
  return {};
}

Result<void> NdjsonParser::feed(std::string_view bytes, const OnLine& on_line)
{
  m_buffer.append(bytes);
  std::size_t start = 0;
  for (std::size_t newline = m_buffer.find('\n'); newline != std::string::npos;
       newline = m_buffer.find('\n', start)) {
    std::string_view text(m_buffer.data() + start, newline - start);
    start = newline + 1;
    if (!text.empty() && text.back() == '\r') {
      text.remove_suffix(1);
    }
    if (text.find_first_not_of(" \t") == std::string_view::npos) {
      continue;
    }
    if (auto ok = on_line(text); !ok) {
      m_buffer.erase(0, start);
      return ok;
    }
  }
  m_buffer.erase(0, start);
  return {};
}

Result<void> NdjsonParser::finish(const OnLine& on_line)
{
  std::string rest = std::move(m_buffer);
  m_buffer.clear();
  if (rest.find_first_not_of(" \t\r") == std::string::npos) {
    return {};
  }
  return on_line(rest);
}

} // namespace evalgate
