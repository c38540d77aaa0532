#include <doctest/doctest.h>

#include "fake_transport.hpp"
#include "fixtures.hpp"
#include "providers/model_client.hpp"
#include "scoped_env.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

constexpr const char* k_key = "sk-test-embed-0123456789";

ProviderSpec client_spec(const std::string& type, const std::string& model)
{
  auto spec = wire_spec(type, model);
  spec.retry_base_ms = 1;
  spec.max_retries = 2;
  return spec;
}

EmbedResult embed(ModelClient& client, const std::vector<std::string>& texts)
{
  EmbedResult out;
  int calls = 0;
  client.embed(texts, [&](EmbedResult result) {
    out = std::move(result);
    ++calls;
  });
  CHECK(calls == 1);
  return out;
}

} // namespace

TEST_CASE("embed posts the texts, retries a 500 with the usual policy and returns vectors in input order")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  transport.script(respond(500, R"({"error":{"message":"boom"}})"));
  transport.script(respond(200, read_fixture("openai_embeddings.json")));
  auto client = make_model_client(client_spec("openai", "text-embedding-3-small"), transport);
  REQUIRE(client.has_value());
  const auto result = embed(**client, {"first", "second"});
  CHECK(result.failure == FailureKind::none);
  CHECK(result.error.empty());
  CHECK(result.attempts == 2);
  REQUIRE(result.vectors.size() == 2);
  CHECK(result.vectors[1] == std::vector<float>{0.5f, -0.25f, 0.125f});
  CHECK(result.usage.prompt_tokens == 8);
  REQUIRE(transport.submissions().size() == 2);
  CHECK(transport.submissions()[0].request.url == "https://api.openai.com/v1/embeddings");
  CHECK(transport.submissions()[1].delay_ms > 0);
}

TEST_CASE("embed fails a response whose vector count differs from the inputs, after retrying it")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  for (int i = 0; i < 3; ++i) {
    transport.script(respond(200, read_fixture("openai_embeddings.json")));
  }
  auto client = make_model_client(client_spec("openai", "text-embedding-3-small"), transport);
  REQUIRE(client.has_value());
  const auto result = embed(**client, {"only one"});
  CHECK(result.failure == FailureKind::parse);
  CHECK(result.error == "embeddings response has 2 vectors for 1 texts");
  CHECK(result.attempts == 3);
}

TEST_CASE("embed does not retry a 401 and keeps the key out of the error")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  transport.script(
      respond(401, std::string(R"({"error":{"message":"Incorrect API key provided: )") + k_key + "\"}}"));
  auto client = make_model_client(client_spec("openai", "text-embedding-3-small"), transport);
  REQUIRE(client.has_value());
  const auto result = embed(**client, {"a"});
  CHECK(result.failure == FailureKind::http_4xx);
  CHECK(result.attempts == 1);
  CHECK(result.error == "HTTP 401: Incorrect API key provided: ***");
}

TEST_CASE("embed on a provider type without embeddings is a config failure naming the provider and type")
{
  ScopedEnv key("ANTHROPIC_API_KEY", "sk-ant-test-0123456789");
  FakeTransport transport;
  auto client = make_model_client(client_spec("anthropic", "claude-sonnet-4-5"), transport);
  REQUIRE(client.has_value());
  const auto result = embed(**client, {"a"});
  CHECK(result.failure == FailureKind::config);
  CHECK(result.error == "provider 'p' (type anthropic): this provider type has no embeddings API");
  CHECK(result.attempts == 0);
  CHECK(transport.submissions().empty());
}

TEST_CASE("embed of no texts answers at once without a request")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  auto client = make_model_client(client_spec("openai", "text-embedding-3-small"), transport);
  REQUIRE(client.has_value());
  const auto result = embed(**client, {});
  CHECK(result.failure == FailureKind::none);
  CHECK(result.vectors.empty());
  CHECK(transport.submissions().empty());
}

TEST_CASE("the retrying client hands the decoded extras (tool calls, finish reason) to the caller in raw")
{
  ScopedEnv key("ANTHROPIC_API_KEY", "sk-ant-test-0123456789");
  FakeTransport transport;
  transport.script(respond(200, read_fixture("anthropic_message_tool_use.json")));
  auto client = make_model_client(client_spec("anthropic", "claude-sonnet-4-5"), transport);
  REQUIRE(client.has_value());
  CallResult out;
  (*client)->complete(wire_input({{"user", "weather?"}}),
                      [&](CallResult result) { out = std::move(result); });
  CHECK(out.failure == FailureKind::none);
  CHECK(out.raw["finish_reason"] == "tool_use");
  CHECK(out.raw["tool_calls"][0]["function"]["name"] == "get_weather");
  CHECK(out.usage.prompt_tokens == 472);
}

TEST_CASE("every wire provider type builds from the table and none puts its key in a URL")
{
  const std::vector<std::pair<std::string, std::string>> keys = {
      {"OPENAI_API_KEY", "sk-url-check-openai-1"},  {"AZURE_OPENAI_API_KEY", "url-check-azure-2"},
      {"ANTHROPIC_API_KEY", "sk-ant-url-check-3"},  {"GEMINI_API_KEY", "AIza-url-check-4"},
      {"OPENROUTER_API_KEY", "sk-or-url-check-5"},  {"TOGETHER_API_KEY", "url-check-together-6"},
      {"GROQ_API_KEY", "gsk_url-check-7"},          {"VLLM_API_KEY", "url-check-vllm-8"},
      {"LLAMACPP_API_KEY", "url-check-llamacpp-9"}, {"LMSTUDIO_API_KEY", "url-check-lmstudio-10"},
      {"LITELLM_API_KEY", "url-check-litellm-11"},
  };
  std::vector<std::unique_ptr<ScopedEnv>> env;
  for (const auto& [name, value] : keys) {
    env.push_back(std::make_unique<ScopedEnv>(name, value));
  }
  env.push_back(std::make_unique<ScopedEnv>("AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com"));
  for (const auto& info : provider_types()) {
    const std::string type = info.name;
    if (type == "field" || type == "exec") {
      continue; // no HTTP: nothing to put a key into
    }
    CAPTURE(type);
    auto spec = client_spec(type, "model-x");
    spec.max_retries = 0;
    if (type == "http") {
      spec.options = {{"url", "http://127.0.0.1:1/app"}};
    }
    FakeTransport transport;
    transport.script(respond(500, "{}"));
    transport.script(respond(500, "{}"));
    auto client = make_model_client(spec, transport);
    REQUIRE_MESSAGE(client.has_value(), (client ? "" : client.error().str()));
    (*client)->complete(wire_input({{"user", "hi"}}), [](CallResult) {});
    (*client)->embed({"hi"}, [](EmbedResult) {});
    REQUIRE_FALSE(transport.submissions().empty());
    for (const auto& submission : transport.submissions()) {
      for (const auto& [name, value] : keys) {
        CHECK(submission.request.url.find(value) == std::string::npos);
      }
    }
  }
}
