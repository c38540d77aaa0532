#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "mock_test_support.hpp"
#include "test_http_client.hpp"

using namespace evalgate;
using evalgate::test::chat_body;
using evalgate::test::fixture;
using evalgate::test::RunningMock;
using evalgate::test::TestHttpClient;
using evalgate::test::TestReply;
using Json = nlohmann::json;

TEST_CASE("a chat completion echoes the last user message in the OpenAI shape")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = client.Post("/v1/chat/completions", chat_body("gpt-test", "say the magic words"), "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  const Json body = Json::parse(res->body);
  CHECK(body["object"] == "chat.completion");
  CHECK(body["model"] == "gpt-test");
  CHECK(body["id"].get<std::string>().rfind("chatcmpl-", 0) == 0);
  CHECK(body["created"].is_number_integer());
  CHECK(body["choices"][0]["index"] == 0);
  CHECK(body["choices"][0]["message"]["role"] == "assistant");
  CHECK(body["choices"][0]["message"]["content"] == "say the magic words");
  CHECK(body["choices"][0]["finish_reason"] == "stop");
  CHECK(body["usage"]["prompt_tokens"] == 6); // "be brief" + "say the magic words"
  CHECK(body["usage"]["completion_tokens"] == 4);
  CHECK(body["usage"]["total_tokens"] == 10);

  auto short_path = client.Post("/chat/completions", chat_body("m", ""), "application/json");
  REQUIRE(short_path);
  CHECK(short_path->status == 200);
  CHECK(Json::parse(short_path->body)["usage"]["completion_tokens"] == 1);
}

TEST_CASE("chat replies come from the answers file for the request's model")
{
  MockOptions options;
  options.answers_file = fixture("answers.jsonl");
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto content = [&](const std::string& model, const std::string& text) {
    auto res = client.Post("/v1/chat/completions", chat_body(model, text), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return Json::parse(res->body)["choices"][0]["message"]["content"].get<std::string>();
  };
  CHECK(content("support-v1", "Can I get a refund?") == "Refunds take 5 days.");
  CHECK(content("other", "Can I get a refund?") == "Any model: refunds are possible.");
  CHECK(content("support-v1", "hello!") == "Hello from support.");
  CHECK(content("other", "nothing matches") == "nothing matches");
}

TEST_CASE("a bad answers file stops the server from being created")
{
  MockOptions options;
  options.answers_file = fixture("missing_reply.jsonl");
  auto created = MockServer::create(options);
  REQUIRE_FALSE(created.has_value());
  CHECK(created.error().str() == fixture("missing_reply.jsonl") + ":3: rule needs 'reply' (a string)");
}

TEST_CASE("a streamed chat completion sends SSE chunks that add up to the reply")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  const Json request = {{"model", "m"},
                        {"stream", true},
                        {"stream_options", {{"include_usage", true}}},
                        {"messages", {{{"role", "user"}, {"content", "one two three"}}}}};
  auto res = client.Post("/v1/chat/completions", request.dump(), "application/json");
  REQUIRE(res);
  CHECK(res->get_header_value("Content-Type") == "text/event-stream");
  std::string text;
  Json usage;
  std::size_t start = 0;
  while ((start = res->body.find("data: ", start)) != std::string::npos) {
    const std::size_t end = res->body.find("\n\n", start);
    const std::string data = res->body.substr(start + 6, end - start - 6);
    start = end;
    if (data == "[DONE]") {
      break;
    }
    const Json chunk = Json::parse(data);
    if (chunk.contains("usage")) {
      usage = chunk["usage"];
    } else if (chunk["choices"][0]["delta"].contains("content")) {
      text += chunk["choices"][0]["delta"]["content"].get<std::string>();
    }
  }
  CHECK(text == "one two three");
  CHECK(usage["completion_tokens"] == 3);
}

TEST_CASE("embeddings are deterministic unit vectors, one per input")
{
  MockOptions options;
  options.embedding_dims = 32;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  const Json request = {{"model", "embed-1"}, {"input", {"first text", "second text", "first text"}}};
  auto res = client.Post("/v1/embeddings", request.dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const Json body = Json::parse(res->body);
  CHECK(body["object"] == "list");
  CHECK(body["model"] == "embed-1");
  REQUIRE(body["data"].size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(body["data"][i]["object"] == "embedding");
    CHECK(body["data"][i]["index"] == i);
    const auto vector = body["data"][i]["embedding"].get<std::vector<double>>();
    REQUIRE(vector.size() == 32);
    double norm = 0;
    for (const double x : vector) {
      norm += x * x;
    }
    CHECK(std::sqrt(norm) == doctest::Approx(1.0));
  }
  CHECK(body["data"][0]["embedding"] == body["data"][2]["embedding"]);
  CHECK(body["data"][0]["embedding"] != body["data"][1]["embedding"]);
  CHECK(body["usage"]["prompt_tokens"] == 6);

  auto single = client.Post("/v1/embeddings", Json{{"model", "e"}, {"input", "first text"}}.dump(), "application/json");
  REQUIRE(single);
  CHECK(Json::parse(single->body)["data"][0]["embedding"] == body["data"][0]["embedding"]);

  auto bad = client.Post("/v1/embeddings", Json{{"model", "e"}, {"input", 5}}.dump(), "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(Json::parse(bad->body)["error"]["message"] == "'input' must be a string or a non-empty array of strings.");
}

TEST_CASE("unknown paths get 404 and invalid JSON gets 400, both in the OpenAI error shape")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  auto missing = client.Post("/v1/completions", "{}", "application/json");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  const Json not_found = Json::parse(missing->body);
  CHECK(not_found["error"]["message"] == "Unknown request URL: POST /v1/completions.");
  CHECK(not_found["error"]["type"] == "invalid_request_error");
  CHECK(not_found["error"]["code"] == "unknown_url");

  auto invalid = client.Post("/v1/chat/completions", "{not json", "application/json");
  REQUIRE(invalid);
  CHECK(invalid->status == 400);
  const Json error = Json::parse(invalid->body)["error"];
  CHECK(error["type"] == "invalid_request_error");
  CHECK(error["code"] == "invalid_json");

  auto health = client.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == "ok");
}

TEST_CASE("/stats counts requests by path, model and status")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(client.Post("/v1/chat/completions", chat_body("alpha", "hi"), "application/json"));
  }
  REQUIRE(client.Post("/v1/chat/completions", chat_body("beta", "hi"), "application/json"));
  REQUIRE(client.Post("/v1/embeddings", Json{{"model", "alpha"}, {"input", "x"}}.dump(), "application/json"));
  REQUIRE(client.Post("/nope", "{}", "application/json"));
  REQUIRE(client.Get("/health"));

  auto res = client.Get("/stats");
  REQUIRE(res);
  const Json stats = Json::parse(res->body);
  CHECK(stats["requests"] == 6);
  CHECK(stats["by_path"]["/v1/chat/completions"] == 4);
  CHECK(stats["by_path"]["/v1/embeddings"] == 1);
  CHECK(stats["by_path"]["/nope"] == 1);
  CHECK(stats["by_model"]["alpha"] == 4);
  CHECK(stats["by_model"]["beta"] == 1);
  CHECK(stats["status"]["200"] == 5);
  CHECK(stats["status"]["404"] == 1);
  CHECK(stats["faults"] == Json::object());
  CHECK(mock.stats() == stats);
}

TEST_CASE("a required API key is enforced without echoing what was sent")
{
  MockOptions options;
  options.required_api_key = "sk-mock-secret";
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());

  auto none = client.Post("/v1/chat/completions", chat_body("m", "hi"), "application/json");
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(Json::parse(none->body) == Json::parse(R"({"error": {"message": "Incorrect API key provided.",
                                                         "type": "invalid_request_error",
                                                         "code": "invalid_api_key"}})"));

  auto wrong = client.Post("/v1/chat/completions", {{"Authorization", "Bearer sk-wrong-key-123"}}, chat_body("m", "hi"),
                           "application/json");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  CHECK(wrong->body.find("sk-wrong-key-123") == std::string::npos);

  auto right = client.Post("/v1/chat/completions", {{"Authorization", "Bearer sk-mock-secret"}}, chat_body("m", "hi"),
                           "application/json");
  REQUIRE(right);
  CHECK(right->status == 200);
}

TEST_CASE("latency delays every answer")
{
  MockOptions options;
  options.latency_ms = 150;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  const auto start = std::chrono::steady_clock::now();
  auto res = client.Post("/v1/chat/completions", chat_body("m", "hi"), "application/json");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(elapsed >= std::chrono::milliseconds(150));
  CHECK(elapsed < std::chrono::milliseconds(2000));
}

TEST_CASE("concurrent keep-alive clients are all answered")
{
  RunningMock mock;
  constexpr int k_threads = 8;
  constexpr int k_per_thread = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      TestHttpClient client("127.0.0.1", mock.port());
      for (int i = 0; i < k_per_thread; ++i) {
        const std::string text = "thread " + std::to_string(t) + " request " + std::to_string(i);
        auto res = client.Post("/v1/chat/completions", chat_body("m", text), "application/json");
        if (res && res->status == 200 &&
            Json::parse(res->body)["choices"][0]["message"]["content"] == text) {
          ++ok;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  CHECK(ok == k_threads * k_per_thread);
  CHECK(mock.stats()["requests"] == k_threads * k_per_thread);
}

TEST_CASE("the server binds the port it is given and refuses one already taken")
{
  RunningMock first;
  MockOptions options;
  options.port = first.port();
  auto second = MockServer::create(options);
  REQUIRE_FALSE(second.has_value());
  CHECK(second.error().str() ==
        "cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": Address already in use");
}
