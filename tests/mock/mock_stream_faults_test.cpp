#include <chrono>

#include <doctest/doctest.h>

#include "mock_test_support.hpp"
#include "stream_events.hpp"
#include "test_http_client.hpp"

using namespace evalgate;
using evalgate::test::RunningMock;
using evalgate::test::TestHttpClient;
using Json = nlohmann::json;

namespace {

MockOptions with_fault(MockFault fault)
{
  MockOptions options;
  options.faults.push_back({fault, 1.0});
  return options;
}

std::string openai_stream_body(const std::string& text)
{
  return Json{{"model", "m"}, {"stream", true}, {"messages", {{{"role", "user"}, {"content", text}}}}}.dump();
}

} // namespace

TEST_CASE("an OpenAI stream_cut fault ends the stream halfway, without finish_reason or [DONE]")
{
  RunningMock mock(with_fault(MockFault::stream_cut));
  TestHttpClient client("127.0.0.1", mock.port());
  auto res =
      client.Post("/v1/chat/completions", openai_stream_body("one two three four"), "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("[DONE]") == std::string::npos);
  const auto events = test::sse_events(res->body);
  REQUIRE(events.size() == 3); // the role chunk and two words
  std::string text;
  for (const auto& event : events) {
    const Json chunk = Json::parse(event.data);
    CHECK(chunk["choices"][0]["finish_reason"].is_null());
    text += chunk["choices"][0]["delta"].value("content", "");
  }
  CHECK(text == "one two");
  CHECK(mock.stats()["faults"]["stream_cut"] == 1);
}

TEST_CASE("a stream_cut fault on an answer that does not stream cuts its JSON body")
{
  RunningMock mock(with_fault(MockFault::stream_cut));
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = client.Post("/v1/chat/completions", test::chat_body("m", "hello there"), "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK_FALSE(Json::accept(res->body));
}

TEST_CASE("a slow_stream fault sends the head at once and holds each event back")
{
  MockOptions options = with_fault(MockFault::slow_stream);
  options.slow_stream_ms = 60000; // far longer than the test waits: the first event cannot arrive
  RunningMock mock(options);
  const int fd = test::connect_raw(mock.port(), 10000);
  REQUIRE(fd >= 0);
  const std::string body = openai_stream_body("one two");
  test::send_raw(fd, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body);
  const std::string head = test::read_raw(fd, "\r\n\r\n");
  CHECK(head.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(head.find("text/event-stream") != std::string::npos);
  CHECK(head.substr(head.find("\r\n\r\n") + 4).empty());
  timeval short_wait{0, 200000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &short_wait, sizeof(short_wait));
  char byte = 0;
  CHECK(::recv(fd, &byte, 1, 0) < 0); // nothing more yet
  const auto before_stop = std::chrono::steady_clock::now();
  mock.server().stop(); // wakes the paced sender at once
  CHECK(std::chrono::steady_clock::now() - before_stop < std::chrono::seconds(30));
  ::close(fd);
}

TEST_CASE("a slow_stream fault still delivers the whole stream")
{
  MockOptions options = with_fault(MockFault::slow_stream);
  options.slow_stream_ms = 1;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  const Json request = {{"model", "claude"},
                        {"max_tokens", 10},
                        {"stream", true},
                        {"messages", {{{"role", "user"}, {"content", "one two three"}}}}};
  auto res = client.Post("/v1/messages", request.dump(), "application/json");
  REQUIRE(res);
  const auto events = test::sse_events(res->body);
  REQUIRE_FALSE(events.empty());
  CHECK(events.back().event == "message_stop");
}

TEST_CASE("/stats counts requests per route across the wire formats")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  REQUIRE(client.Post("/v1/chat/completions", test::chat_body("m", "hi"), "application/json"));
  REQUIRE(client.Post("/v1/chat/completions", test::chat_body("m", "hi"), "application/json"));
  REQUIRE(client.Post(
      "/v1/messages",
      Json{{"model", "c"}, {"max_tokens", 5}, {"messages", {{{"role", "user"}, {"content", "x"}}}}}.dump(),
      "application/json"));
  REQUIRE(client.Post("/v1beta/models/g:embedContent",
                      Json{{"content", {{"parts", {{{"text", "x"}}}}}}}.dump(), "application/json"));
  REQUIRE(client.Post("/api/embed", Json{{"model", "o"}, {"input", "x"}}.dump(), "application/json"));
  const Json stats = mock.stats();
  CHECK(stats["by_route"] ==
        Json{{"openai.chat", 2}, {"anthropic.messages", 1}, {"gemini.embedContent", 1}, {"ollama.embed", 1}});
  CHECK(stats["by_model"]["g"] == 1);
  CHECK(stats["requests"] == 5);
}
