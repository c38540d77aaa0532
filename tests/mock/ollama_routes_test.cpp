#include <doctest/doctest.h>

#include "mock/embeddings.hpp"
#include "mock_test_support.hpp"
#include "stream_events.hpp"
#include "test_http_client.hpp"

using namespace evalgate;
using evalgate::test::RunningMock;
using evalgate::test::TestHttpClient;
using Json = nlohmann::json;

namespace {

Json chat_request(const std::string& user_text)
{
  return {{"model", "llama-test"},
          {"messages",
           {{{"role", "system"}, {"content", "be brief"}}, {{"role", "user"}, {"content", user_text}}}}};
}

} // namespace

TEST_CASE("ollama chat streams NDJSON by default, ending with a done line that carries the counts")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = client.Post("/api/chat", chat_request("one two three").dump(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/x-ndjson");
  const auto lines = test::ndjson_lines(res->body);
  REQUIRE(lines.size() == 4);
  std::string text;
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    CHECK(lines[i]["done"] == false);
    CHECK(lines[i]["model"] == "llama-test");
    text += lines[i]["message"]["content"].get<std::string>();
  }
  CHECK(text == "one two three");
  const Json& last = lines.back();
  CHECK(last["done"] == true);
  CHECK(last["done_reason"] == "stop");
  CHECK(last["prompt_eval_count"] == 5);
  CHECK(last["eval_count"] == 3);
  CHECK(last["eval_duration"] == 3000000); // nanoseconds
}

TEST_CASE("ollama chat with stream false answers one object with the whole message")
{
  MockOptions options;
  options.answers_file = test::fixture("answers.jsonl");
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  Json request = chat_request("about my refund");
  request["stream"] = false;
  auto res = client.Post("/api/chat", request.dump(), "application/json");
  REQUIRE(res);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  const Json reply = Json::parse(res->body);
  CHECK(reply["message"] == Json{{"role", "assistant"}, {"content", "Any model: refunds are possible."}});
  CHECK(reply["done"] == true);
  CHECK(reply["eval_count"] == 5);
}

TEST_CASE("ollama embed returns one deterministic vector per input")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  const Json request = {{"model", "embed-test"}, {"input", {"alpha", "beta"}}, {"dimensions", 16}};
  auto res = client.Post("/api/embed", request.dump(), "application/json");
  REQUIRE(res);
  const Json reply = Json::parse(res->body);
  CHECK(reply["model"] == "embed-test");
  REQUIRE(reply["embeddings"].size() == 2);
  CHECK(reply["embeddings"][1].get<std::vector<double>>() == mock::embed_text("beta", 16));
  CHECK(reply["prompt_eval_count"] == 2);
}

TEST_CASE("ollama errors are {\"error\": text}, faults included")
{
  MockOptions options;
  options.faults.push_back({MockFault::http_503, 1.0});
  RunningMock faulty(options);
  TestHttpClient client("127.0.0.1", faulty.port());
  auto res = client.Post("/api/chat", chat_request("hi").dump(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(Json::parse(res->body) == Json{{"error", "Service unavailable (injected fault)."}});

  RunningMock mock;
  TestHttpClient plain("127.0.0.1", mock.port());
  auto no_model = plain.Post("/api/chat", Json{{"messages", Json::array()}}.dump(), "application/json");
  REQUIRE(no_model);
  CHECK(no_model->status == 400);
  CHECK(Json::parse(no_model->body) == Json{{"error", "model is required"}});
  auto unknown = plain.Post("/api/generate", "{}", "application/json");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(Json::parse(unknown->body).contains("error"));
}

TEST_CASE("an ollama stream_cut fault ends the stream without the done line")
{
  MockOptions options;
  options.faults.push_back({MockFault::stream_cut, 1.0});
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = client.Post("/api/chat", chat_request("one two three four").dump(), "application/json");
  REQUIRE(res);
  const auto lines = test::ndjson_lines(res->body);
  CHECK(lines.size() == 2);
  for (const Json& line : lines) {
    CHECK(line["done"] == false);
  }
}
