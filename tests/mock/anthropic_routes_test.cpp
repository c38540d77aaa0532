#include <doctest/doctest.h>

#include "mock_test_support.hpp"
#include "stream_events.hpp"
#include "test_http_client.hpp"

using namespace evalgate;
using evalgate::test::RunningMock;
using evalgate::test::TestHttpClient;
using Json = nlohmann::json;

namespace {

Json messages_body(const std::string& user_text)
{
  return {{"model", "claude-test"},
          {"max_tokens", 100},
          {"system", "be brief"},
          {"messages", {{{"role", "user"}, {"content", user_text}}}}};
}

std::optional<test::TestReply> post(TestHttpClient& client, const Json& body,
                                    const test::Headers& headers = {})
{
  return client.Post("/v1/messages", headers, body.dump(), "application/json");
}

MockOptions with_fault(MockFault fault)
{
  MockOptions options;
  options.faults.push_back({fault, 1.0});
  return options;
}

} // namespace

TEST_CASE("anthropic messages answer with a text block, end_turn and usage")
{
  MockOptions options;
  options.answers_file = test::fixture("answers.jsonl");
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = post(client, messages_body("can I get a refund please"));
  REQUIRE(res);
  CHECK(res->status == 200);
  const Json reply = Json::parse(res->body);
  CHECK(reply["type"] == "message");
  CHECK(reply["role"] == "assistant");
  CHECK(reply["model"] == "claude-test");
  CHECK(reply["content"] == Json::array({{{"type", "text"}, {"text", "Any model: refunds are possible."}}}));
  CHECK(reply["stop_reason"] == "end_turn");
  CHECK(reply["usage"] == Json{{"input_tokens", 8},
                               {"output_tokens", 5},
                               {"cache_creation_input_tokens", 0},
                               {"cache_read_input_tokens", 0}});
}

TEST_CASE("anthropic content blocks are read and an unmatched message is echoed")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  Json body = messages_body("");
  body["messages"] = {
      {{"role", "user"}, {"content", {{{"type", "text"}, {"text", "first part"}}}}},
      {{"role", "assistant"}, {"content", "ok"}},
      {{"role", "user"},
       {"content", {{{"type", "text"}, {"text", "hello"}}, {{"type", "text"}, {"text", "there"}}}}}};
  auto res = post(client, body);
  REQUIRE(res);
  CHECK(Json::parse(res->body)["content"][0]["text"] == "hello\nthere");
}

TEST_CASE("anthropic cache_control prefixes are written once, then read")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  Json body = messages_body("short question");
  body["system"] = {
      {{"type", "text"}, {"text", "a long policy of six words"}, {"cache_control", {{"type", "ephemeral"}}}}};
  auto first = post(client, body);
  auto second = post(client, body);
  REQUIRE(first);
  REQUIRE(second);
  CHECK(Json::parse(first->body)["usage"]["cache_creation_input_tokens"] == 6);
  CHECK(Json::parse(first->body)["usage"]["cache_read_input_tokens"] == 0);
  CHECK(Json::parse(second->body)["usage"]["cache_creation_input_tokens"] == 0);
  CHECK(Json::parse(second->body)["usage"]["cache_read_input_tokens"] == 6);
  CHECK(Json::parse(second->body)["usage"]["input_tokens"] == 2); // excludes the cached words
}

TEST_CASE("anthropic requests without max_tokens get 400 in Anthropic's error shape")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  Json body = messages_body("hi");
  body.erase("max_tokens");
  auto res = post(client, body);
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(Json::parse(res->body) ==
        Json{{"type", "error"},
             {"error", {{"type", "invalid_request_error"}, {"message", "max_tokens: Field required"}}},
             {"request_id", "req_mock"}});
}

TEST_CASE("anthropic streaming sends the named events in order and the deltas add up to the reply")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  Json body = messages_body("one two three");
  body["stream"] = true;
  auto res = post(client, body);
  REQUIRE(res);
  CHECK(res->get_header_value("Content-Type") == "text/event-stream");
  std::vector<std::string> names;
  std::string text;
  Json final_usage;
  for (const auto& event : test::sse_events(res->body)) {
    names.push_back(event.event);
    const Json data = Json::parse(event.data);
    CHECK(data["type"] == event.event);
    if (event.event == "content_block_delta") {
      text += data["delta"]["text"].get<std::string>();
    } else if (event.event == "message_delta") {
      CHECK(data["delta"]["stop_reason"] == "end_turn");
      final_usage = data["usage"];
    } else if (event.event == "message_start") {
      CHECK(data["message"]["usage"]["input_tokens"] == 5);
    }
  }
  CHECK(names == std::vector<std::string>{"message_start", "content_block_start", "ping",
                                          "content_block_delta", "content_block_delta", "content_block_delta",
                                          "content_block_stop", "message_delta", "message_stop"});
  CHECK(text == "one two three");
  CHECK(final_usage["output_tokens"] == 3);
}

TEST_CASE("anthropic routes check x-api-key, not the Authorization header")
{
  MockOptions options;
  options.required_api_key = "sk-ant-test";
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto bearer = post(client, messages_body("hi"), {{"Authorization", "Bearer sk-ant-test"}});
  REQUIRE(bearer);
  CHECK(bearer->status == 401);
  CHECK(Json::parse(bearer->body)["error"]["type"] == "authentication_error");
  CHECK(bearer->body.find("sk-ant-test") == std::string::npos);
  auto keyed =
      post(client, messages_body("hi"), {{"x-api-key", "sk-ant-test"}, {"anthropic-version", "2023-06-01"}});
  REQUIRE(keyed);
  CHECK(keyed->status == 200);
}

TEST_CASE("an anthropic 529 fault is overloaded_error")
{
  RunningMock mock(with_fault(MockFault::http_529));
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = post(client, messages_body("hi"));
  REQUIRE(res);
  CHECK(res->status == 529);
  CHECK(Json::parse(res->body)["type"] == "error");
  CHECK(Json::parse(res->body)["error"]["type"] == "overloaded_error");
}

TEST_CASE("an anthropic 429 fault carries retry-after and the anthropic-ratelimit headers")
{
  MockOptions options = with_fault(MockFault::http_429);
  options.retry_after_s = 2;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = post(client, messages_body("hi"));
  REQUIRE(res);
  CHECK(res->status == 429);
  CHECK(Json::parse(res->body)["error"]["type"] == "rate_limit_error");
  CHECK(res->get_header_value("retry-after") == "2");
  CHECK(res->get_header_value("anthropic-ratelimit-requests-remaining") == "0");
  const std::string reset = res->get_header_value("anthropic-ratelimit-requests-reset");
  CHECK(reset.size() == 20); // RFC 3339: 2026-01-01T00:00:00Z
  CHECK(reset.back() == 'Z');
  CHECK(res->has_header("anthropic-ratelimit-tokens-reset"));
}

TEST_CASE("an anthropic 429_bare fault has neither retry-after nor the anthropic-ratelimit headers")
{
  MockOptions options = with_fault(MockFault::http_429_bare);
  options.retry_after_s = 3;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = post(client, messages_body("hi"));
  REQUIRE(res);
  CHECK(res->status == 429);
  CHECK(Json::parse(res->body)["error"]["type"] == "rate_limit_error");
  CHECK_FALSE(res->has_header("retry-after"));
  CHECK_FALSE(res->has_header("anthropic-ratelimit-requests-reset"));
}

TEST_CASE("an anthropic stream_cut fault ends the stream before message_stop")
{
  RunningMock mock(with_fault(MockFault::stream_cut));
  TestHttpClient client("127.0.0.1", mock.port());
  Json body = messages_body("one two three four");
  body["stream"] = true;
  auto res = post(client, body);
  REQUIRE(res);
  CHECK(res->status == 200);
  const auto events = test::sse_events(res->body);
  REQUIRE_FALSE(events.empty());
  CHECK(events.front().event == "message_start");
  int deltas = 0;
  for (const auto& event : events) {
    CHECK(event.event != "message_stop");
    CHECK(event.event != "message_delta");
    deltas += event.event == "content_block_delta" ? 1 : 0;
  }
  CHECK(deltas == 2);
}
