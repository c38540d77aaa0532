// Flow control, streaming, fallback and redirect behaviour against real sockets (loopback server).
// Timing checks are lower bounds only ("no earlier than"), which a loaded machine cannot break.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "collector.hpp"
#include "loopback_server.hpp"
#include "providers/fallback_client.hpp"
#include "providers/model_client.hpp"
#include "providers/retrying_client.hpp"
#include "scoped_env.hpp"
#include "sse_test_provider.hpp"
#include "temp_dir.hpp"

using namespace evalgate;
using evalgate::testing::Collector;
using evalgate::testing::LoopbackServer;
using evalgate::testing::read_fixture;
using evalgate::testing::ScopedEnv;
using evalgate::testing::SseTestProvider;
using evalgate::testing::TempDir;
using evalgate::testing::TestRequest;
using evalgate::testing::TestResponse;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* k_key_env = "EVALGATE_TEST_FLOW_KEY";
constexpr const char* k_key = "sk-flow-0123456789abcdef";

ProviderSpec openai_spec(const std::string& id, const std::string& base_url)
{
  ProviderSpec spec;
  spec.id = id;
  spec.type = "openai";
  spec.model = "test-model";
  spec.base_url = base_url;
  spec.api_key_env = k_key_env;
  spec.timeout_ms = 5000;
  spec.max_retries = 2;
  spec.retry_base_ms = 5;
  spec.location = Location{"evalgate.yaml", 3, 5, 0, ""};
  return spec;
}

CallInput question()
{
  CallInput input;
  input.messages = {{"user", "hi"}};
  return input;
}

CallResult run_one(ModelClient& client)
{
  Collector<CallResult> done;
  client.complete(question(), [&](CallResult result) { done.add(std::move(result)); });
  REQUIRE(done.wait_for(1, std::chrono::seconds(20)));
  return done.values()[0];
}

double ms_between(Clock::time_point from, Clock::time_point to)
{
  return std::chrono::duration<double, std::milli>(to - from).count();
}

const char* k_sse_head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";

std::string sse(const std::string& content)
{
  return "data: {\"choices\":[{\"delta\":{\"content\":\"" + content + "\"}}]}\n\n";
}

} // namespace

TEST_CASE("a 429 with retry-after holds back the other requests to that provider, not just the one")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::mutex mutex;
  std::vector<Clock::time_point> served; // arrival times of the requests answered 200
  Clock::time_point limited_at;
  std::atomic<int> hits{0};
  server.post("/v1/chat/completions", [&](const TestRequest&, TestResponse& res) {
    std::lock_guard lock(mutex);
    if (hits++ == 0) {
      limited_at = Clock::now();
      res.status = 429;
      res.set_header("retry-after-ms", "600");
      res.set_content(R"({"error":{"message":"Rate limit reached"}})", "application/json");
      return;
    }
    served.push_back(Clock::now());
    res.set_content(read_fixture("openai_chat_ok.json"), "application/json");
  });
  server.start();
  auto transport = make_curl_transport();
  auto client = make_model_client(openai_spec("gpt", server.url("/v1")), *transport);
  REQUIRE(client.has_value());

  Collector<CallResult> done;
  (*client)->complete(question(), [&](CallResult result) { done.add(std::move(result)); });
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (hits < 1 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100)); // the 429 reaches the client
  for (int i = 0; i < 4; ++i) {
    (*client)->complete(question(), [&](CallResult result) { done.add(std::move(result)); });
  }
  REQUIRE(done.wait_for(5, std::chrono::seconds(20)));
  for (const auto& result : done.values()) {
    CHECK(result.failure == FailureKind::none);
  }
  std::lock_guard lock(mutex);
  REQUIRE(served.size() == 5);
  for (const auto& at : served) {
    CHECK(ms_between(limited_at, at) >= 550); // 600 ms asked; the pause starts when the 429 arrives
  }
}

TEST_CASE("a provider's max_concurrency is never exceeded at the server")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::atomic<int> current{0};
  std::atomic<int> most{0};
  server.post("/v1/chat/completions", [&](const TestRequest&, TestResponse& res) {
    const int now = ++current;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    --current;
    res.set_content(read_fixture("openai_chat_ok.json"), "application/json");
  });
  server.start();
  auto transport = make_curl_transport();
  auto spec = openai_spec("gpt", server.url("/v1"));
  spec.max_concurrency = 3;
  auto client = make_model_client(spec, *transport);
  REQUIRE(client.has_value());
  Collector<CallResult> done;
  for (int i = 0; i < 24; ++i) {
    (*client)->complete(question(), [&](CallResult result) { done.add(std::move(result)); });
  }
  REQUIRE(done.wait_for(24, std::chrono::seconds(30)));
  for (const auto& result : done.values()) {
    CHECK(result.failure == FailureKind::none);
  }
  CHECK(most.load() >= 1);
  CHECK(most.load() <= 3);
}

TEST_CASE("a streamed answer records the time to its first content token")
{
  LoopbackServer server;
  server.post_raw("/stream", [](const TestRequest&, int fd) {
    LoopbackServer::write_all(fd, k_sse_head);
    LoopbackServer::write_all(fd, "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    LoopbackServer::write_all(fd, sse("Hel"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    LoopbackServer::write_all(
        fd, sse("lo") + "data: {\"choices\":[],\"usage\":{\"completion_tokens\":2,\"total_tokens\":9}}\n\n"
                        "data: [DONE]\n\n");
  });
  server.start();
  auto transport = make_curl_transport();
  ProviderSpec spec;
  spec.id = "streamer";
  spec.options["stream"] = true;
  auto client =
      make_retrying_client(std::make_shared<SseTestProvider>(server.url("/stream")), spec, *transport);
  const auto result = run_one(*client);
  CHECK(result.failure == FailureKind::none);
  CHECK(result.text == "Hello");
  CHECK(result.usage.completion_tokens == 2);
  CHECK(result.provider_id == "streamer");
  REQUIRE(result.ttft_ms.has_value());
  CHECK(*result.ttft_ms >= 190);                     // the role-only chunk does not count
  CHECK(result.latency_ms - *result.ttft_ms >= 190); // generation time: tokens/s is derivable
}

TEST_CASE("a stream cut before its final marker fails as network after every retry, never a result")
{
  LoopbackServer server;
  std::atomic<int> hits{0};
  server.post_raw("/stream", [&](const TestRequest&, int fd) {
    ++hits;
    LoopbackServer::write_all(fd, k_sse_head);
    LoopbackServer::write_all(fd, sse("partial answ"));
  });
  server.start();
  auto transport = make_curl_transport();
  ProviderSpec spec;
  spec.id = "streamer";
  spec.max_retries = 1;
  spec.retry_base_ms = 5;
  spec.options["stream"] = true;
  auto client =
      make_retrying_client(std::make_shared<SseTestProvider>(server.url("/stream")), spec, *transport);
  const auto result = run_one(*client);
  CHECK(result.failure == FailureKind::network);
  CHECK(result.error == "stream ended before data: [DONE]");
  CHECK(result.text.empty());
  CHECK(result.attempts == 2);
  CHECK(hits == 2);
  CHECK(result.retries_exhausted);
}

TEST_CASE(
    "a transfer that stalls longer than its idle timeout fails as timed out, not when the server gives up")
{
  LoopbackServer server;
  server.post_raw("/stall", [](const TestRequest&, int fd) {
    LoopbackServer::write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ndata: {}\n\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(4000));
  });
  server.start();
  auto transport = make_curl_transport();
  Collector<HttpResponse> done;
  HttpRequest request;
  request.url = server.url("/stall");
  request.timeout_ms = 20000;
  request.idle_timeout_ms = 1000;
  transport->submit(request, [&](HttpResponse response) { done.add(std::move(response)); });
  REQUIRE(done.wait_for(1, std::chrono::seconds(20)));
  const auto response = done.values()[0];
  INFO(response.transport_error);
  CHECK(response.timed_out);
  CHECK(response.transport_error == "no data received for 1000 ms; the stream stalled");
}

TEST_CASE("a redirect is not followed, so a key header never reaches the other host")
{
  LoopbackServer elsewhere;
  std::atomic<int> elsewhere_hits{0};
  elsewhere.post("/steal", [&](const TestRequest&, TestResponse& res) {
    ++elsewhere_hits;
    res.set_content("{}", "application/json");
  });
  elsewhere.start();
  LoopbackServer server;
  server.post("/v1", [&](const TestRequest&, TestResponse& res) {
    res.status = 307;
    res.set_header("Location", elsewhere.url("/steal"));
  });
  server.start();
  auto transport = make_curl_transport();
  ProviderSpec spec;
  spec.id = "keyed";
  auto client = make_retrying_client(std::make_shared<SseTestProvider>(server.url("/v1")), spec, *transport);
  const auto result = run_one(*client);
  CHECK(result.failure == FailureKind::http_4xx);
  CHECK(result.error == "HTTP 307: redirect to '" + elsewhere.url("/steal") +
                            "' not followed; point base_url at the final address");
  CHECK(result.attempts == 1);
  CHECK(elsewhere_hits == 0);
}

TEST_CASE("exhausted retries go to the fallback provider, which is recorded with the attempts summed")
{
  ScopedEnv key(k_key_env, k_key);
  LoopbackServer server;
  std::atomic<int> primary_hits{0};
  std::atomic<int> status{503};
  server.post("/primary/chat/completions", [&](const TestRequest&, TestResponse& res) {
    ++primary_hits;
    res.status = status;
    res.set_content(R"({"error":{"message":"overloaded"}})", "application/json");
  });
  server.post("/backup/chat/completions", [](const TestRequest&, TestResponse& res) {
    res.set_content(read_fixture("openai_chat_ok.json"), "application/json");
  });
  server.start();
  auto transport = make_curl_transport();
  std::vector<ProviderSpec> specs{openai_spec("primary", server.url("/primary")),
                                  openai_spec("backup", server.url("/backup"))};
  specs[0].options["fallback"] = "backup";
  std::map<std::string, std::unique_ptr<ModelClient>> clients;
  for (const auto& spec : specs) {
    auto client = make_model_client(spec, *transport);
    REQUIRE(client.has_value());
    clients.emplace(spec.id, std::move(*client));
  }
  REQUIRE(wrap_fallbacks(specs, clients).has_value());

  auto result = run_one(*clients.at("primary"));
  CHECK(result.failure == FailureKind::none);
  CHECK(result.text == "Refunds are issued within 5 business days.");
  CHECK(result.provider_id == "backup");
  CHECK(result.attempts == 4); // 3 to the primary, 1 to the fallback
  CHECK(primary_hits == 3);

  // A failure retrying cannot fix (a bad key) is the primary's answer, not handed over.
  status = 401;
  result = run_one(*clients.at("primary"));
  CHECK(result.failure == FailureKind::http_4xx);
  CHECK(result.provider_id == "primary");
  CHECK(result.attempts == 1);

  // The fallback provider is still a provider of its own.
  CHECK(run_one(*clients.at("backup")).provider_id == "backup");
}

TEST_CASE("a fallback naming no provider, or making a cycle, is a config error at load")
{
  ScopedEnv key(k_key_env, k_key);
  auto check = [](std::vector<ProviderSpec> specs) {
    std::map<std::string, std::unique_ptr<ModelClient>> clients;
    auto wrapped = wrap_fallbacks(specs, clients);
    REQUIRE_FALSE(wrapped.has_value());
    return wrapped.error().str();
  };
  std::vector<ProviderSpec> specs{openai_spec("primary", "http://127.0.0.1:9"),
                                  openai_spec("backup", "http://127.0.0.1:9")};
  specs[0].options["fallback"] = "backpu";
  CHECK(check(specs) == "evalgate.yaml:3:5: provider 'primary': fallback 'backpu' is not a provider of this "
                        "suite, did you mean "
                        "'backup'?");
  specs[0].options["fallback"] = "backup";
  specs[1].options["fallback"] = "primary";
  CHECK(check(specs) == "evalgate.yaml:3:5: provider 'primary': fallback cycle primary -> backup -> primary");
  specs[1].options.erase("fallback");
  specs[0].options["fallback"] = "primary";
  CHECK(check(specs) == "evalgate.yaml:3:5: provider 'primary': fallback cycle primary -> primary");
}

TEST_CASE("flow-control option values are checked when the client is built")
{
  ScopedEnv key(k_key_env, k_key);
  auto transport = make_curl_transport();
  auto error_of = [&](const char* option, Json value) {
    auto spec = openai_spec("gpt", "http://127.0.0.1:9");
    spec.options[option] = std::move(value);
    auto client = make_model_client(spec, *transport);
    REQUIRE_FALSE(client.has_value());
    return client.error().str();
  };
  CHECK(error_of("requests_per_minute", "fast") ==
        "evalgate.yaml:3:5: provider 'gpt': requests_per_minute must be a positive number, got \"fast\"");
  CHECK(error_of("tokens_per_minute", 0) ==
        "evalgate.yaml:3:5: provider 'gpt': tokens_per_minute must be a positive number, got 0");
  CHECK(error_of("stream", "yes") ==
        "evalgate.yaml:3:5: provider 'gpt': stream must be true or false, got \"yes\"");
  CHECK(error_of("fallback", 3) ==
        "evalgate.yaml:3:5: provider 'gpt': fallback must be another provider's id, got 3");
  CHECK(error_of("ca_bundle", "certs/corp.pem") ==
        "evalgate.yaml:3:5: provider 'gpt': ca_bundle file 'certs/corp.pem' does not exist");
  auto spec = openai_spec("gpt", "http://127.0.0.1:9");
  spec.options["requests_per_minute"] = 600;
  spec.options["tokens_per_minute"] = 100000;
  spec.options["stream"] = false;
  CHECK(make_model_client(spec, *transport).has_value());
}

TEST_CASE("a provider's ca_bundle, relative to the suite file, is the CA file TLS verifies against")
{
  ScopedEnv key(k_key_env, k_key);
  // A plain-HTTP server behind an https URL: without our bundle the handshake fails (retryable);
  // with an unusable bundle libcurl refuses before connecting, a permanent failure (one attempt).
  LoopbackServer server;
  server.post("/v1/chat/completions",
              [](const TestRequest&, TestResponse& res) { res.set_content("{}", "x"); });
  server.start();
  TempDir dir;
  dir.write("certs/corp.pem", "not a certificate\n");
  auto transport = make_curl_transport();
  auto spec = openai_spec("gpt", "https://127.0.0.1:" + std::to_string(server.port()) + "/v1");
  spec.location.file = dir.file("evalgate.yaml");
  spec.options["ca_bundle"] = "certs/corp.pem";
  auto client = make_model_client(spec, *transport);
  REQUIRE(client.has_value());
  const auto result = run_one(**client);
  CHECK(result.failure == FailureKind::network);
  CHECK(result.attempts == 1);
  CHECK_FALSE(result.retries_exhausted);

  spec.options.erase("ca_bundle");
  spec.timeout_ms = 300; // the plain server waits for a request line that never comes
  spec.max_retries = 1;
  auto plain = make_model_client(spec, *transport);
  REQUIRE(plain.has_value());
  const auto handshake = run_one(**plain);
  CHECK(handshake.failure != FailureKind::none);
  CHECK(handshake.attempts == 2); // a failed handshake is retried
}
