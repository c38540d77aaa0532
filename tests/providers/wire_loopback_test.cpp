#include <doctest/doctest.h>

#include "collector.hpp"
#include "fixtures.hpp"
#include "loopback_server.hpp"
#include "providers/model_client.hpp"
#include "providers/transport.hpp"
#include "scoped_env.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

// Over a real socket and the curl transport: the request as the server sees it, and a streamed
// body decoded end to end.

TEST_CASE("anthropic over the real transport: key and version headers arrive and a streamed answer decodes")
{
  ScopedEnv key("ANTHROPIC_API_KEY", "sk-ant-loopback-0123456789");
  LoopbackServer server;
  std::string seen_key;
  std::string seen_version;
  std::string seen_body;
  server.post("/v1/messages", [&](const TestRequest& req, TestResponse& res) {
    seen_key = req.header("x-api-key");
    seen_version = req.header("anthropic-version");
    seen_body = req.body;
    res.set_content(read_fixture("anthropic_stream_ok.sse"), "text/event-stream");
  });
  server.start();
  auto transport = make_curl_transport();
  auto spec = wire_spec("anthropic", "claude-sonnet-4-5");
  spec.base_url = server.url();
  spec.options = {{"stream", true}};
  auto client = make_model_client(spec, *transport);
  REQUIRE(client.has_value());
  Collector<CallResult> done;
  (*client)->complete(wire_input({{"system", "Be brief."}, {"user", "Hi"}}),
                      [&](CallResult result) { done.add(std::move(result)); });
  REQUIRE(done.wait_for(1));
  const CallResult result = done.values()[0];
  CHECK(result.failure == FailureKind::none);
  CHECK(result.text == "Hello!");
  CHECK(result.usage.prompt_tokens == 125);
  CHECK(result.raw["finish_reason"] == "end_turn");
  CHECK(seen_key == "sk-ant-loopback-0123456789");
  CHECK(seen_version == "2023-06-01");
  CHECK(Json::parse(seen_body)["system"] == "Be brief.");
}

TEST_CASE("a truncated stream over the real transport is retried and then fails as network, never a result")
{
  LoopbackServer server;
  int calls = 0;
  server.post("/api/chat", [&](const TestRequest&, TestResponse& res) {
    ++calls;
    res.set_content(read_fixture("ollama_stream_truncated.ndjson"), "application/x-ndjson");
  });
  server.start();
  auto transport = make_curl_transport();
  auto spec = wire_spec("ollama", "llama3.2");
  spec.base_url = server.url();
  spec.options = {{"stream", true}};
  spec.max_retries = 1;
  spec.retry_base_ms = 1;
  auto client = make_model_client(spec, *transport);
  REQUIRE(client.has_value());
  Collector<CallResult> done;
  (*client)->complete(wire_input({{"user", "Hi"}}), [&](CallResult result) { done.add(std::move(result)); });
  REQUIRE(done.wait_for(1));
  const CallResult result = done.values()[0];
  // A stream cut before its final marker is a dropped connection mid-answer: retried, then network.
  CHECK(result.failure == FailureKind::network);
  CHECK(result.text.empty());
  CHECK(result.attempts == 2);
  CHECK(calls == 2);
  CHECK(result.error == "stream ended without an object with \"done\": true (truncated response)");
}

TEST_CASE("http app over the real transport: the rendered body is posted and the output path read")
{
  ScopedEnv token("EVALGATE_TEST_LOOPBACK_TOKEN", "app-token-loopback-42");
  LoopbackServer server;
  std::string seen_auth;
  std::string seen_body;
  server.post("/ask", [&](const TestRequest& req, TestResponse& res) {
    seen_auth = req.header("authorization");
    seen_body = req.body;
    res.set_content(read_fixture("http_app_answer.json"), "application/json");
  });
  server.start();
  auto transport = make_curl_transport();
  auto spec = wire_spec("http", "");
  spec.options = {{"url", server.url("/ask")},
                  {"headers", {{"Authorization", "Bearer ${EVALGATE_TEST_LOOPBACK_TOKEN}"}}},
                  {"body", {{"question", "{{question}}"}}},
                  {"output", "data.answer"}};
  auto client = make_model_client(spec, *transport);
  REQUIRE_MESSAGE(client.has_value(), (client ? "" : client.error().str()));
  const Json vars = {{"question", "Refunds?"}};
  Collector<CallResult> done;
  (*client)->complete(wire_input({{"user", "Q: Refunds?"}}, &vars),
                      [&](CallResult result) { done.add(std::move(result)); });
  REQUIRE(done.wait_for(1));
  const CallResult result = done.values()[0];
  CHECK(result.failure == FailureKind::none);
  CHECK(result.text == "Refunds take 5 business days.");
  CHECK(seen_auth == "Bearer app-token-loopback-42");
  CHECK(seen_body == R"({"question":"Refunds?"})");
}
