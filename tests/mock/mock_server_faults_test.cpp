#include <chrono>
#include <thread>

#include <doctest/doctest.h>

#include "mock_test_support.hpp"
#include "test_http_client.hpp"

using namespace evalgate;
using evalgate::test::chat_body;
using evalgate::test::RunningMock;
using evalgate::test::TestHttpClient;
using evalgate::test::TestReply;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

MockOptions with_fault(MockFault fault)
{
  MockOptions options;
  options.faults.push_back({fault, 1.0});
  return options;
}

std::optional<TestReply> post_chat(TestHttpClient& client)
{
  return client.Post("/v1/chat/completions", chat_body("m", "hi"), "application/json");
}

} // namespace

TEST_CASE("a 401 fault answers with the invalid API key error")
{
  RunningMock mock(with_fault(MockFault::http_401));
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = post_chat(client);
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(Json::parse(res->body)["error"]["code"] == "invalid_api_key");
}

TEST_CASE("a 429 fault carries retry-after only when configured")
{
  MockOptions options = with_fault(MockFault::http_429);
  options.retry_after_s = 2;
  RunningMock with_header(options);
  TestHttpClient client("127.0.0.1", with_header.port());
  auto res = post_chat(client);
  REQUIRE(res);
  CHECK(res->status == 429);
  CHECK(res->get_header_value("retry-after") == "2");
  const Json error = Json::parse(res->body)["error"];
  CHECK(error["type"] == "rate_limit_error");
  CHECK(error["code"] == "rate_limit_exceeded");

  RunningMock without_header(with_fault(MockFault::http_429));
  TestHttpClient plain("127.0.0.1", without_header.port());
  auto bare = post_chat(plain);
  REQUIRE(bare);
  CHECK(bare->status == 429);
  CHECK_FALSE(bare->has_header("retry-after"));
}

TEST_CASE("a 429_bare fault is a 429 without retry-after even when one is configured")
{
  MockOptions options = with_fault(MockFault::http_429_bare);
  options.retry_after_s = 2;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = post_chat(client);
  REQUIRE(res);
  CHECK(res->status == 429);
  CHECK_FALSE(res->has_header("retry-after"));
  CHECK(Json::parse(res->body)["error"]["code"] == "rate_limit_exceeded");
  CHECK(mock.stats()["faults"]["429_bare"] == 1);
}

TEST_CASE("5xx faults answer with their status in the OpenAI error shape")
{
  for (const auto& [fault, status, type] :
       {std::tuple{MockFault::http_500, 500, "server_error"}, std::tuple{MockFault::http_503, 503, "server_error"},
        std::tuple{MockFault::http_529, 529, "overloaded_error"}}) {
    RunningMock mock(with_fault(fault));
    TestHttpClient client("127.0.0.1", mock.port());
    auto res = post_chat(client);
    REQUIRE(res);
    CHECK(res->status == status);
    const Json error = Json::parse(res->body)["error"];
    CHECK(error["type"] == type);
    CHECK(error["message"].is_string());
    CHECK(error["code"].is_string());
  }
}

TEST_CASE("a malformed fault sends a 200 whose body is not JSON")
{
  RunningMock mock(with_fault(MockFault::malformed));
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = post_chat(client);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK_FALSE(res->body.empty());
  CHECK_FALSE(Json::accept(res->body));
}

TEST_CASE("a reset fault drops the connection without an answer")
{
  RunningMock mock(with_fault(MockFault::reset));
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = post_chat(client);
  CHECK_FALSE(res);
  CHECK(mock.stats()["faults"]["reset"] == 1);
}

TEST_CASE("a timeout fault holds the request, then closes without an answer")
{
  MockOptions options = with_fault(MockFault::timeout);
  options.timeout_hang_ms = 150;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  client.set_read_timeout(3, 0);
  const auto start = Clock::now();
  auto res = post_chat(client);
  const auto elapsed = Clock::now() - start;
  CHECK_FALSE(res);
  CHECK(elapsed >= std::chrono::milliseconds(150));
  CHECK(elapsed < std::chrono::milliseconds(2500));
}

TEST_CASE("stop returns quickly while a timeout fault is holding a request")
{
  MockOptions options = with_fault(MockFault::timeout);
  options.timeout_hang_ms = 60000;
  RunningMock mock(options);
  std::thread caller([port = mock.port()] {
    TestHttpClient client("127.0.0.1", port);
    client.set_read_timeout(30, 0);
    auto res = post_chat(client);
    CHECK_FALSE(res);
  });
  for (int i = 0; i < 200 && mock.stats()["faults"].value("timeout", 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  REQUIRE(mock.stats()["faults"]["timeout"] == 1);
  const auto start = Clock::now();
  mock.server().stop();
  CHECK(Clock::now() - start < std::chrono::milliseconds(1000));
  caller.join();
}

TEST_CASE("faults are counted in /stats and never hit the monitoring routes")
{
  MockOptions options = with_fault(MockFault::http_503);
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(post_chat(client));
  }
  auto health = client.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto res = client.Get("/stats");
  REQUIRE(res);
  CHECK(res->status == 200);
  const Json stats = Json::parse(res->body);
  CHECK(stats["requests"] == 3);
  CHECK(stats["faults"]["503"] == 3);
  CHECK(stats["status"]["503"] == 3);
}

TEST_CASE("stats time the first counted request and the last response, for timing a run's request phase")
{
  RunningMock mock(MockOptions{});
  TestHttpClient client("127.0.0.1", mock.port());
  const Json before = mock.stats();
  CHECK_FALSE(before.contains("first_request_ms"));
  CHECK_FALSE(before.contains("last_status_ms"));
  REQUIRE(post_chat(client));
  const Json one = mock.stats();
  REQUIRE(one.contains("first_request_ms"));
  REQUIRE(one.contains("last_status_ms"));
  CHECK(one["first_request_ms"].get<double>() >= 0);
  CHECK(one["last_status_ms"].get<double>() >= one["first_request_ms"].get<double>());
  REQUIRE(post_chat(client));
  const Json two = mock.stats();
  // The first request's time stays; the last response's moves on.
  CHECK(two["first_request_ms"] == one["first_request_ms"]);
  CHECK(two["last_status_ms"].get<double>() >= one["last_status_ms"].get<double>());
}

TEST_CASE("answers leave no earlier than arrival + latency, and stats report how long they took")
{
  MockOptions options;
  options.latency_ms = 40;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  CHECK_FALSE(mock.stats().contains("answer_ms"));
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    REQUIRE(post_chat(client));
    CHECK(Clock::now() - start >= std::chrono::milliseconds(40));
  }
  REQUIRE(client.Get("/stats")); // the monitoring routes are not answers
  const Json answers = mock.stats()["answer_ms"];
  CHECK(answers["count"] == 3);
  CHECK(answers["min"].get<double>() >= 40);
  CHECK(answers["max"].get<double>() >= answers["min"].get<double>());
  CHECK(answers["mean"].get<double>() >= 40);
  CHECK(answers["late_mean"].get<double>() == doctest::Approx(answers["mean"].get<double>() - 40));
  CHECK(answers["late_p99"].get<double>() > 0);
  CHECK(answers["late_p99"].get<double>() <= 100.1);
}

TEST_CASE("fault answers wait out the latency too")
{
  MockOptions options = with_fault(MockFault::http_503);
  options.latency_ms = 40;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  const auto start = Clock::now();
  auto res = post_chat(client);
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(Clock::now() - start >= std::chrono::milliseconds(40));
  CHECK(mock.stats()["answer_ms"]["min"].get<double>() >= 40);
}

TEST_CASE("fault probabilities are checked when the server is created")
{
  MockOptions options;
  options.faults.push_back({MockFault::http_429, 1.5});
  auto created = MockServer::create(options);
  REQUIRE_FALSE(created.has_value());
  CHECK(created.error().str() == "fault 429 probability must be in [0,1]");
}
