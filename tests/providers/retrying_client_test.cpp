#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "collector.hpp"
#include "loopback_server.hpp"
#include "providers/model_client.hpp"
#include "scoped_env.hpp"

using namespace evalgate;
using evalgate::testing::Collector;
using evalgate::testing::LoopbackServer;
using evalgate::testing::TestRequest;
using evalgate::testing::TestResponse;
using evalgate::testing::read_fixture;
using evalgate::testing::ScopedEnv;

namespace {

constexpr const char* k_key_env = "EVALGATE_TEST_PROVIDER_KEY";
constexpr const char* k_key = "sk-loopback-0123456789";

ProviderSpec loopback_spec(const LoopbackServer& server)
{
  ProviderSpec spec;
  spec.id = "local";
  spec.type = "openai";
  spec.model = "test-model";
  spec.base_url = server.url("/v1");
  spec.api_key_env = k_key_env;
  spec.timeout_ms = 2000;
  spec.max_retries = 3;
  spec.retry_base_ms = 5;
  return spec;
}

CallInput question(const std::string& text)
{
  CallInput input;
  input.messages = {{"user", text}};
  return input;
}

CallResult run_one(ModelClient& client, const CallInput& input)
{
  Collector<CallResult> done;
  client.complete(input, [&](CallResult result) { done.add(std::move(result)); });
  REQUIRE(done.wait_for(1));
  // Exactly once: nothing else arrives afterwards.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(done.size() == 1);
  return done.values()[0];
}

// Answers each request with the next status in `statuses` (then 200), counting attempts.
void scripted_route(LoopbackServer& server, std::vector<int> statuses, std::atomic<int>& hits,
                    std::vector<std::pair<std::string, std::string>> failure_headers = {})
{
  server.post("/v1/chat/completions", [statuses, &hits, failure_headers](const TestRequest&,
                                                                                 TestResponse& res) {
    const auto n = static_cast<std::size_t>(hits++);
    if (n < statuses.size()) {
      res.status = statuses[n];
      for (const auto& [name, value] : failure_headers) {
        res.set_header(name, value);
      }
      res.set_content(R"({"error":{"message":"scripted failure )" + std::to_string(n + 1) + "\"}}",
                      "application/json");
      return;
    }
    res.set_content(read_fixture("openai_chat_ok.json"), "application/json");
  });
}

} // namespace

TEST_CASE("a 429 with retry-after 0 is retried and then succeeds")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::atomic<int> hits{0};
  scripted_route(server, {429}, hits, {{"Retry-After", "0"}});
  server.start();
  auto transport = make_curl_transport();
  auto client = make_model_client(loopback_spec(server), *transport);
  REQUIRE(client.has_value());
  const auto result = run_one(**client, question("refund policy?"));
  CHECK(result.failure == FailureKind::none);
  CHECK(result.error.empty());
  CHECK(result.text == "Refunds are issued within 5 business days.");
  CHECK(result.usage.prompt_tokens == 42);
  CHECK(result.attempts == 2);
  CHECK(hits == 2);
}

TEST_CASE("two 500s then a 200 succeed on the third attempt")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::atomic<int> hits{0};
  scripted_route(server, {500, 500}, hits);
  server.start();
  auto transport = make_curl_transport();
  auto client = make_model_client(loopback_spec(server), *transport);
  REQUIRE(client.has_value());
  const auto result = run_one(**client, question("hi"));
  CHECK(result.failure == FailureKind::none);
  CHECK(result.attempts == 3);
  CHECK(result.latency_ms > 0);
}

TEST_CASE("a 401 is not retried and carries the server's message")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::atomic<int> hits{0};
  server.post("/v1/chat/completions", [&](const TestRequest& req, TestResponse& res) {
    ++hits;
    // The key arrives as a bearer token; anything else would be a 400 and fail the check below.
    const bool bearer = req.header("Authorization") == std::string("Bearer ") + k_key;
    res.status = bearer ? 401 : 400;
    res.set_content(bearer ? R"({"error":{"message":"Invalid API key","type":"invalid_request_error"}})"
                           : R"({"error":{"message":"no bearer key"}})",
                    "application/json");
  });
  server.start();
  auto transport = make_curl_transport();
  auto client = make_model_client(loopback_spec(server), *transport);
  REQUIRE(client.has_value());
  const auto result = run_one(**client, question("hi"));
  CHECK(result.failure == FailureKind::http_4xx);
  CHECK(result.attempts == 1);
  CHECK(result.error == "HTTP 401: Invalid API key");
  CHECK(hits == 1);
}

TEST_CASE("a server slower than timeout_ms fails as timeout after every retry")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::atomic<int> hits{0};
  std::atomic<bool> release{false};
  server.post("/v1/chat/completions", [&](const TestRequest&, TestResponse& res) {
    ++hits;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!release && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    res.set_content(read_fixture("openai_chat_ok.json"), "application/json");
  });
  server.start();
  {
    auto transport = make_curl_transport();
    auto spec = loopback_spec(server);
    spec.timeout_ms = 80;
    spec.max_retries = 2;
    auto client = make_model_client(spec, *transport);
    REQUIRE(client.has_value());
    const auto result = run_one(**client, question("hi"));
    CHECK(result.failure == FailureKind::timeout);
    CHECK(result.attempts == 3);
    CHECK(result.latency_ms >= 240);
    CHECK_FALSE(result.error.empty());
  }
  release = true;
}

TEST_CASE("a refused connection fails as network after every retry")
{
  ScopedEnv key(k_key_env, k_key);
  auto transport = make_curl_transport();
  ProviderSpec spec;
  spec.id = "down";
  spec.type = "openai";
  spec.model = "m";
  spec.base_url = "http://127.0.0.1:" + std::to_string(evalgate::testing::unused_port()) + "/v1";
  spec.api_key_env = k_key_env;
  spec.max_retries = 2;
  spec.retry_base_ms = 1;
  spec.timeout_ms = 2000;
  auto client = make_model_client(spec, *transport);
  REQUIRE(client.has_value());
  const auto result = run_one(**client, question("hi"));
  CHECK(result.failure == FailureKind::network);
  CHECK(result.attempts == 3);
  CHECK_FALSE(result.error.empty());
}

TEST_CASE("latency includes the waits the server asked for")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::atomic<int> hits{0};
  scripted_route(server, {503}, hits, {{"retry-after-ms", "120"}});
  server.start();
  auto transport = make_curl_transport();
  auto client = make_model_client(loopback_spec(server), *transport);
  REQUIRE(client.has_value());
  const auto result = run_one(**client, question("hi"));
  CHECK(result.failure == FailureKind::none);
  CHECK(result.attempts == 2);
  CHECK(result.latency_ms >= 120);
}

TEST_CASE("sixty-four concurrent calls from several threads all complete once")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::atomic<int> hits{0};
  std::mutex failed_mutex;
  std::set<std::string> failed_once;
  server.post("/v1/chat/completions", [&](const TestRequest& req, TestResponse& res) {
    ++hits;
    const auto body = Json::parse(req.body);
    const auto question_text = body["messages"][0]["content"].get<std::string>();
    // Every third question fails its first attempt, so retries run concurrently with fresh calls.
    if (std::stoi(question_text.substr(1)) % 3 == 0) {
      std::lock_guard lock(failed_mutex);
      if (failed_once.insert(question_text).second) {
        res.status = 503;
        res.set_content(R"({"error":"busy"})", "application/json");
        return;
      }
    }
    Json answer = Json::parse(read_fixture("openai_chat_ok.json"));
    answer["choices"][0]["message"]["content"] = question_text;
    res.set_content(answer.dump(), "application/json");
  });
  server.start();
  auto transport = make_curl_transport();
  auto client = make_model_client(loopback_spec(server), *transport);
  REQUIRE(client.has_value());
  Collector<CallResult> done;
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 16; ++i) {
        (*client)->complete(question("q" + std::to_string(t * 16 + i)),
                            [&](CallResult result) { done.add(std::move(result)); });
      }
    });
  }
  for (auto& caller : callers) {
    caller.join();
  }
  REQUIRE(done.wait_for(64));
  std::set<std::string> answers;
  for (const auto& result : done.values()) {
    CHECK(result.failure == FailureKind::none);
    answers.insert(result.text);
  }
  CHECK(answers.size() == 64);
  CHECK(done.size() == 64);
  CHECK(hits == 64 + 22);
}

TEST_CASE("cancelling the transport ends pending calls without retrying them")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::atomic<int> hits{0};
  scripted_route(server, {503, 503, 503, 503}, hits, {{"Retry-After", "30"}});
  server.start();
  auto transport = make_curl_transport();
  auto client = make_model_client(loopback_spec(server), *transport);
  REQUIRE(client.has_value());
  Collector<CallResult> done;
  (*client)->complete(question("hi"), [&](CallResult result) { done.add(std::move(result)); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (hits < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Let the first 503 arrive so the retry sits on the transport's timer for 30 s.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  transport->cancel_all();
  REQUIRE(done.wait_for(1, std::chrono::seconds(2)));
  const auto result = done.values()[0];
  CHECK(result.failure == FailureKind::network);
  CHECK(result.error == "cancelled");
  CHECK(result.attempts == 2);
}
