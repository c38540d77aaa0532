#include <doctest/doctest.h>

#include <cmath>

#include "mock/embeddings.hpp"
#include "mock_test_support.hpp"
#include "stream_events.hpp"
#include "test_http_client.hpp"

using namespace evalgate;
using evalgate::test::RunningMock;
using evalgate::test::TestHttpClient;
using Json = nlohmann::json;

namespace {

const std::string k_model_path = "/v1beta/models/gemini-test";

std::string generate_body(const std::string& user_text)
{
  return Json{{"systemInstruction", {{"parts", {{{"text", "be brief"}}}}}},
              {"contents", {{{"role", "user"}, {"parts", {{{"text", user_text}}}}}}},
              {"generationConfig", {{"temperature", 0}}}}
      .dump();
}

MockOptions with_fault(MockFault fault)
{
  MockOptions options;
  options.faults.push_back({fault, 1.0});
  return options;
}

} // namespace

TEST_CASE("gemini generateContent answers with one candidate, STOP and usageMetadata")
{
  MockOptions options;
  options.answers_file = test::fixture("answers.jsonl");
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto res =
      client.Post(k_model_path + ":generateContent", generate_body("where is order #42"), "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  const Json reply = Json::parse(res->body);
  const Json& candidate = reply["candidates"][0];
  CHECK(candidate["content"] ==
        Json{{"role", "model"}, {"parts", {{{"text", "Your order is on its way."}}}}});
  CHECK(candidate["finishReason"] == "STOP");
  CHECK(reply["usageMetadata"] ==
        Json{{"promptTokenCount", 6}, {"candidatesTokenCount", 6}, {"totalTokenCount", 12}});
  CHECK(reply["modelVersion"] == "gemini-test");
  CHECK(mock.stats()["by_model"]["gemini-test"] == 1);
  CHECK(mock.stats()["by_route"]["gemini.generateContent"] == 1);
}

TEST_CASE("gemini streamGenerateContent with alt=sse sends data-only events, the last with finishReason")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = client.Post(k_model_path + ":streamGenerateContent?alt=sse", generate_body("one two three"),
                         "application/json");
  REQUIRE(res);
  CHECK(res->get_header_value("Content-Type") == "text/event-stream");
  CHECK(res->body.find("\r\n\r\n") != std::string::npos);
  CHECK(res->body.find("[DONE]") == std::string::npos);
  const auto events = test::sse_events(res->body);
  REQUIRE(events.size() == 3);
  std::string text;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Json chunk = Json::parse(events[i].data);
    text += chunk["candidates"][0]["content"]["parts"][0]["text"].get<std::string>();
    CHECK(chunk["candidates"][0].contains("finishReason") == (i + 1 == events.size()));
    CHECK(chunk.contains("usageMetadata") == (i + 1 == events.size()));
  }
  CHECK(text == "one two three");
}

TEST_CASE("gemini streamGenerateContent without alt=sse is one JSON array of chunks")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  auto res =
      client.Post(k_model_path + ":streamGenerateContent", generate_body("one two"), "application/json");
  REQUIRE(res);
  const Json chunks = Json::parse(res->body);
  REQUIRE(chunks.is_array());
  CHECK(chunks.size() == 2);
  CHECK(chunks[1]["candidates"][0]["finishReason"] == "STOP");
}

TEST_CASE("gemini embedContent and batchEmbedContents return the mock's deterministic vectors")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  const Json one = {{"model", "models/embed-test"}, {"content", {{"parts", {{{"text", "refund policy"}}}}}}};
  auto single = client.Post("/v1beta/models/embed-test:embedContent", one.dump(), "application/json");
  REQUIRE(single);
  const std::vector<double> expected = mock::embed_text("refund policy", 64);
  CHECK(Json::parse(single->body)["embedding"]["values"].get<std::vector<double>>() == expected);

  Json batch = {{"requests", {one, one}}};
  batch["requests"][1]["content"]["parts"][0]["text"] = "shipping";
  batch["requests"][1]["outputDimensionality"] = 8;
  auto many = client.Post("/v1beta/models/embed-test:batchEmbedContents", batch.dump(), "application/json");
  REQUIRE(many);
  const Json embeddings = Json::parse(many->body)["embeddings"];
  REQUIRE(embeddings.size() == 2);
  CHECK(embeddings[0]["values"].get<std::vector<double>>() == expected);
  CHECK(embeddings[1]["values"].get<std::vector<double>>() == mock::embed_text("shipping", 8));
}

TEST_CASE("gemini checks x-goog-api-key and answers a bad key as Google does")
{
  MockOptions options;
  options.required_api_key = "AIza-test";
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto bad = client.Post(k_model_path + ":generateContent", {{"x-goog-api-key", "wrong"}},
                         generate_body("hi"), "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  const Json error = Json::parse(bad->body)["error"];
  CHECK(error["status"] == "INVALID_ARGUMENT");
  CHECK(error["details"][0]["reason"] == "API_KEY_INVALID");
  CHECK(bad->body.find("wrong") == std::string::npos);
  auto good = client.Post(k_model_path + ":generateContent", {{"x-goog-api-key", "AIza-test"}},
                          generate_body("hi"), "application/json");
  REQUIRE(good);
  CHECK(good->status == 200);
}

TEST_CASE("a gemini 429 fault is RESOURCE_EXHAUSTED with a RetryInfo retryDelay")
{
  MockOptions options = with_fault(MockFault::http_429);
  options.retry_after_s = 37;
  RunningMock mock(options);
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = client.Post(k_model_path + ":generateContent", generate_body("hi"), "application/json");
  REQUIRE(res);
  CHECK(res->status == 429);
  const Json error = Json::parse(res->body)["error"];
  CHECK(error["code"] == 429);
  CHECK(error["status"] == "RESOURCE_EXHAUSTED");
  CHECK(error["details"] ==
        Json::array({{{"@type", "type.googleapis.com/google.rpc.RetryInfo"}, {"retryDelay", "37s"}}}));
}

TEST_CASE("gemini errors: unknown methods get 404 and missing contents 400, in Google's shape")
{
  RunningMock mock;
  TestHttpClient client("127.0.0.1", mock.port());
  auto unknown = client.Post(k_model_path + ":countTokens", "{}", "application/json");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(Json::parse(unknown->body)["error"]["status"] == "NOT_FOUND");
  auto empty = client.Post(k_model_path + ":generateContent", "{}", "application/json");
  REQUIRE(empty);
  CHECK(empty->status == 400);
  CHECK(Json::parse(empty->body)["error"]["status"] == "INVALID_ARGUMENT");
}

TEST_CASE("a gemini stream_cut fault sends no chunk with finishReason")
{
  RunningMock mock(with_fault(MockFault::stream_cut));
  TestHttpClient client("127.0.0.1", mock.port());
  auto res = client.Post(k_model_path + ":streamGenerateContent?alt=sse", generate_body("one two three four"),
                         "application/json");
  REQUIRE(res);
  const auto events = test::sse_events(res->body);
  CHECK(events.size() == 2);
  for (const auto& event : events) {
    CHECK_FALSE(Json::parse(event.data)["candidates"][0].contains("finishReason"));
  }
}
