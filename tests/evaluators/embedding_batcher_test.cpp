#include <doctest/doctest.h>

#include <mutex>
#include <stdexcept>
#include <thread>

#include "../providers/collector.hpp"
#include "../providers/loopback_server.hpp"
#include "embedding_fakes.hpp"
#include "evaluators/embedding/batcher.hpp"
#include "providers/transport.hpp"

using namespace evalgate;
using evalgate::testing::Collector;
using evalgate::testing::FakeEmbedClient;
using evalgate::testing::LoopbackServer;
using evalgate::testing::TestRequest;
using evalgate::testing::TestResponse;

namespace {

// A window no test waits out: batches in these tests are sent because they fill up.
constexpr std::chrono::milliseconds k_forever{600000};

std::vector<EmbedOutcome> embed_from_threads(const EmbeddingBatcher& batcher,
                                             const std::vector<std::vector<std::string>>& requests)
{
  std::vector<EmbedOutcome> outcomes(requests.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([&, i] { outcomes[i] = batcher.embed(requests[i]); });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  return outcomes;
}

} // namespace

TEST_CASE("concurrent requests are coalesced into one embed call")
{
  FakeEmbedClient client;
  client.async = true;
  for (int i = 0; i < 8; ++i) {
    client.vectors["text " + std::to_string(i)] = {static_cast<float>(i), 1.0f};
  }
  EmbeddingBatcher batcher(client, "embed", {8, k_forever, 100});
  std::vector<std::vector<std::string>> requests;
  for (int i = 0; i < 8; ++i) {
    requests.push_back({"text " + std::to_string(i)});
  }
  auto outcomes = embed_from_threads(batcher, requests);
  CHECK(client.embed_calls.load() == 1);
  REQUIRE(client.batches().size() == 1);
  CHECK(client.batches()[0].size() == 8);
  for (int i = 0; i < 8; ++i) {
    REQUIRE(outcomes[i].ok());
    REQUIRE(outcomes[i].vectors.size() == 1);
    CHECK((*outcomes[i].vectors[0])(0) == static_cast<float>(i)); // each caller gets its own text's vector
  }
}

TEST_CASE("a batch that is full is sent at once and the rest waits for the next")
{
  FakeEmbedClient client;
  EmbeddingBatcher batcher(client, "embed", {3, std::chrono::milliseconds(1), 100});
  EmbedOutcome outcome = batcher.embed({"a", "b", "c", "d"});
  REQUIRE(outcome.ok());
  CHECK(outcome.vectors.size() == 4);
  REQUIRE(client.batches().size() == 2);
  CHECK(client.batches()[0] == std::vector<std::string>{"a", "b", "c"});
  CHECK(client.batches()[1] == std::vector<std::string>{"d"});
}

TEST_CASE("a lone request is sent when its window ends")
{
  FakeEmbedClient client;
  client.async = true;
  EmbeddingBatcher batcher(client, "embed", {64, std::chrono::milliseconds(1), 100});
  EmbedOutcome outcome = batcher.embed({"alone"});
  REQUIRE(outcome.ok());
  CHECK(client.embed_calls.load() == 1);
}

TEST_CASE("the same text requested many times at once is embedded once")
{
  FakeEmbedClient client;
  client.async = true;
  EmbeddingBatcher batcher(client, "embed", {64, std::chrono::milliseconds(1), 100});
  auto outcomes =
      embed_from_threads(batcher, std::vector<std::vector<std::string>>(16, {"shared reference"}));
  for (const auto& outcome : outcomes) {
    CHECK(outcome.ok());
  }
  CHECK(client.embed_calls.load() == 1);
  // Duplicates inside one request are sent once too.
  FakeEmbedClient other;
  EmbeddingBatcher twice(other, "embed", {64, std::chrono::milliseconds(1), 100});
  CHECK(twice.embed({"x", "x", "y"}).vectors.size() == 3);
  REQUIRE(other.batches().size() == 1);
  CHECK(other.batches()[0] == std::vector<std::string>{"x", "y"});
}

TEST_CASE("embedded texts are served from the cache afterwards")
{
  FakeEmbedClient client;
  EmbeddingBatcher batcher(client, "embed", {64, std::chrono::milliseconds(1), 100});
  REQUIRE(batcher.embed({"reference", "output 1"}).ok());
  REQUIRE(batcher.embed({"reference", "output 2"}).ok());
  REQUIRE(client.batches().size() == 2);
  CHECK(client.batches()[1] == std::vector<std::string>{"output 2"});
  REQUIRE(batcher.embed({"output 1", "reference"}).ok());
  CHECK(client.embed_calls.load() == 2);
}

TEST_CASE("the cache is bounded and forgets the least recently used text")
{
  FakeEmbedClient client;
  EmbeddingBatcher batcher(client, "embed", {64, std::chrono::milliseconds(1), 2});
  batcher.embed({"a"});
  batcher.embed({"b"});
  batcher.embed({"a"}); // a is now the most recent
  batcher.embed({"c"}); // evicts b
  CHECK(client.embed_calls.load() == 3);
  batcher.embed({"a"});
  CHECK(client.embed_calls.load() == 3);
  batcher.embed({"b"});
  CHECK(client.embed_calls.load() == 4);
}

TEST_CASE("a failed embed call fails every waiter with the provider's message and is not cached")
{
  FakeEmbedClient client;
  client.fail_with = "HTTP 400: model 'text-embedding-9' does not exist";
  EmbeddingBatcher batcher(client, "embed", {64, std::chrono::milliseconds(1), 100});
  EmbedOutcome failed = batcher.embed({"a", "b"});
  CHECK_FALSE(failed.ok());
  CHECK(failed.vectors.empty());
  CHECK(failed.error ==
        "embedding provider 'embed' failed: HTTP 400: model 'text-embedding-9' does not exist");
  client.fail_with.clear();
  CHECK(batcher.embed({"a", "b"}).ok());
  CHECK(client.embed_calls.load() == 2);
}

TEST_CASE("a provider answering with the wrong number of vectors is an error, not a shifted answer")
{
  class Short final : public ModelClient {
  public:
    void complete(const CallInput&, Done) override {}
    void embed(const std::vector<std::string>&, EmbedDone done) override
    {
      EmbedResult result;
      result.vectors = {{1.0f}};
      done(std::move(result));
    }
  } client;
  EmbeddingBatcher batcher(client, "embed", {64, std::chrono::milliseconds(1), 100});
  EmbedOutcome outcome = batcher.embed({"a", "b"});
  CHECK(outcome.error == "embedding provider 'embed' returned 1 vectors for 2 texts");
}

TEST_CASE("a call's known cost is shared by the texts it embedded; unknown cost is flagged")
{
  FakeEmbedClient client;
  client.cost_per_call = 0.004;
  EmbeddingBatcher batcher(client, "embed", {64, std::chrono::milliseconds(1), 100});
  EmbedOutcome first = batcher.embed({"a", "b", "c", "d"});
  CHECK(first.cost_usd == doctest::Approx(0.004));
  CHECK_FALSE(first.cost_unknown);
  EmbedOutcome cached = batcher.embed({"a"});
  CHECK(cached.cost_usd == 0.0);
  client.cost_per_call.reset();
  CHECK(batcher.embed({"e"}).cost_unknown);
}

TEST_CASE("batchers are shared per provider id for a whole run")
{
  FakeEmbedClient client;
  EmbeddingBatchers batchers;
  auto first = batchers.get("embed", client);
  CHECK(batchers.get("embed", client) == first);
  CHECK(batchers.get("other", client) != first);
}

TEST_CASE("a client that throws instead of answering fails the request instead of hanging it")
{
  class Throwing final : public ModelClient {
  public:
    void complete(const CallInput&, Done) override {}
    void embed(const std::vector<std::string>&, EmbedDone) override
    {
      throw std::runtime_error("socket closed");
    }
  } client;
  EmbeddingBatcher batcher(client, "embed", {64, std::chrono::milliseconds(1), 100});
  CHECK(batcher.embed({"a"}).error == "embedding provider 'embed' failed: socket closed");
}

namespace {

// Answers embed() at once and notes the thread that asked.
class ThreadNotingClient final : public ModelClient {
public:
  void complete(const CallInput&, Done done) override { done(CallResult{}); }
  void embed(const std::vector<std::string>& texts, EmbedDone done) override
  {
    {
      std::lock_guard lock(m_mutex);
      m_threads.push_back(std::this_thread::get_id());
      m_batches.push_back(texts);
    }
    EmbedResult result;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      result.vectors.push_back({1.0f, static_cast<float>(i)});
    }
    done(std::move(result));
  }
  std::vector<std::thread::id> threads()
  {
    std::lock_guard lock(m_mutex);
    return m_threads;
  }
  std::vector<std::vector<std::string>> batches()
  {
    std::lock_guard lock(m_mutex);
    return m_batches;
  }

private:
  std::mutex m_mutex;
  std::vector<std::thread::id> m_threads;
  std::vector<std::vector<std::string>> m_batches;
};

} // namespace

TEST_CASE("a batch opened on a transport's I/O thread is sent by that thread when its window ends")
{
  LoopbackServer server;
  server.post("/ok", [](const TestRequest&, TestResponse& res) { res.set_content("ok", "text/plain"); });
  server.start();
  ThreadNotingClient client;
  auto batcher = std::make_shared<EmbeddingBatcher>(client, "embed",
                                                    BatcherOptions{64, std::chrono::milliseconds(20), 100});
  auto transport = make_curl_transport();
  Collector<EmbedOutcome> outcomes;
  std::thread::id loop;
  HttpRequest request;
  request.url = server.url("/ok");
  request.body = "{}";
  request.timeout_ms = 5000;
  transport->submit(request, [&](HttpResponse) {
    loop = std::this_thread::get_id();
    // Two requests in one window: one batch, sent by the loop's timer, not a thread of the batcher.
    batcher->embed_async({"a", "b"}, [&](EmbedOutcome outcome) { outcomes.add(std::move(outcome)); });
    batcher->embed_async({"c"}, [&](EmbedOutcome outcome) { outcomes.add(std::move(outcome)); });
  });
  REQUIRE(outcomes.wait_for(2));
  for (const auto& outcome : outcomes.values()) {
    CHECK(outcome.ok());
  }
  REQUIRE(client.batches().size() == 1);
  CHECK(client.batches()[0] == std::vector<std::string>{"a", "b", "c"});
  CHECK(client.threads()[0] == loop);
}
