#pragma once
// Splits streamed bodies the way clients read them: SSE events (event name + data, "\n\n" or
// "\r\n\r\n" separated) and NDJSON lines.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalgate::test {

struct SseEvent {
  std::string event; // "" when the event has no name
  std::string data;
};

inline std::vector<SseEvent> sse_events(std::string body)
{
  for (std::size_t at = 0; (at = body.find("\r\n", at)) != std::string::npos;) {
    body.replace(at, 2, "\n");
  }
  std::vector<SseEvent> events;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find("\n\n", start);
    if (end == std::string::npos) {
      end = body.size();
    }
    SseEvent event;
    std::size_t line_start = start;
    while (line_start < end) {
      std::size_t line_end = body.find('\n', line_start);
      if (line_end == std::string::npos || line_end > end) {
        line_end = end;
      }
      const std::string line = body.substr(line_start, line_end - line_start);
      if (line.rfind("event: ", 0) == 0) {
        event.event = line.substr(7);
      } else if (line.rfind("data: ", 0) == 0) {
        event.data = line.substr(6);
      }
      line_start = line_end + 1;
    }
    events.push_back(event);
    start = end + 2;
  }
  return events;
}

inline std::vector<nlohmann::json> ndjson_lines(const std::string& body)
{
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string::npos) {
      end = body.size();
    }
    lines.push_back(nlohmann::json::parse(body.substr(start, end - start)));
    start = end + 1;
  }
  return lines;
}

} // namespace evalgate::test
