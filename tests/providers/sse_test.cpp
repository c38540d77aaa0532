#include <doctest/doctest.h>

#include <vector>

#include "providers/sse.hpp"

using namespace evalgate;

namespace {

std::vector<SseEvent> parse_in_chunks(std::string_view text, std::size_t chunk)
{
  SseParser parser;
  std::vector<SseEvent> events;
  auto collect = [&](const SseEvent& event) -> Result<void> {
    events.push_back(event);
    return {};
  };
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    REQUIRE(parser.feed(text.substr(at, chunk), collect));
  }
  REQUIRE(parser.finish(collect));
  return events;
}

} // namespace

TEST_CASE("sse events come out whole whatever the chunk boundaries, with any line ending")
{
  const std::string text =
      "event: a\r\ndata: one\r\n\r\n: keep-alive comment\n\ndata:two\ndata: 2b\n\nid: 7\rdata: three\r\r";
  for (std::size_t chunk : {1, 2, 3, 7, 1000}) {
    const auto events = parse_in_chunks(text, chunk);
    REQUIRE(events.size() == 3);
    CHECK(events[0].name == "a");
    CHECK(events[0].data == "one");
    CHECK(events[1].name.empty());
    CHECK(events[1].data == "two\n2b");
    CHECK(events[2].data == "three");
  }
}

TEST_CASE("sse dispatches a last event that lacks its blank line at the end of the body")
{
  const auto events = parse_in_chunks("data: [DONE]", 4);
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == "[DONE]");
}

TEST_CASE("sse stops at the first error the event handler returns")
{
  SseParser parser;
  int seen = 0;
  const auto result = parser.feed("data: 1\n\ndata: 2\n\ndata: 3\n\n", [&](const SseEvent&) -> Result<void> {
    return ++seen == 2 ? Result<void>(fail(ErrorCategory::data, "bad event")) : Result<void>();
  });
  REQUIRE_FALSE(result);
  CHECK(result.error().message == "bad event");
  CHECK(seen == 2);
}

TEST_CASE("ndjson lines come out whole; blank lines are skipped; a last line without newline is kept")
{
  NdjsonParser parser;
  std::vector<std::string> lines;
  auto collect = [&](std::string_view line) -> Result<void> {
    lines.emplace_back(line);
    return {};
  };
  const std::string text = "{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}";
  for (std::size_t at = 0; at < text.size(); at += 3) {
    REQUIRE(parser.feed(std::string_view(text).substr(at, 3), collect));
  }
  REQUIRE(parser.finish(collect));
  CHECK(lines == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
}
