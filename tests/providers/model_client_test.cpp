#include <doctest/doctest.h>

#include <set>

#include "fake_transport.hpp"
#include "fixtures.hpp"
#include "providers/model_client.hpp"
#include "scoped_env.hpp"

using namespace evalgate;
using evalgate::testing::FakeTransport;
using evalgate::testing::read_fixture;
using evalgate::testing::respond;
using evalgate::testing::ScopedEnv;

namespace {

constexpr const char* k_key = "sk-test-0123456789abcdef";

ProviderSpec spec_of(const std::string& type)
{
  ProviderSpec spec;
  spec.id = type == "field" ? "recorded" : "gpt";
  spec.type = type;
  spec.model = "gpt-4o-mini";
  spec.field = "answer";
  spec.retry_base_ms = 1;
  spec.max_retries = 3;
  spec.location = Location{"evalgate.yaml", 12, 7, 0, ""};
  return spec;
}

CallResult call(ModelClient& client, const CallInput& input)
{
  CallResult out;
  int calls = 0;
  client.complete(input, [&](CallResult result) {
    out = std::move(result);
    ++calls;
  });
  CHECK(calls == 1);
  return out;
}

CallInput user_says(const std::string& text)
{
  CallInput input;
  input.messages = {{"user", text}};
  return input;
}

} // namespace

TEST_CASE("every provider type has a name and a one-line doc")
{
  std::set<std::string> names;
  for (const auto& row : provider_types()) {
    CHECK(std::string(row.name).size() > 0);
    CHECK(std::string(row.doc).size() > 10);
    CHECK(std::string(row.doc).find('\n') == std::string::npos);
    names.insert(row.name);
  }
  for (const char* type : {"openai", "field", "exec", "azure-openai", "anthropic", "gemini", "ollama", "vllm",
                           "llamacpp", "lmstudio", "openrouter", "together", "groq", "litellm", "http"}) {
    CHECK(names.count(type) == 1);
  }
}

TEST_CASE("unknown provider type suggests the nearest name")
{
  FakeTransport transport;
  auto spec = spec_of("opnai");
  const auto client = make_model_client(spec, transport);
  REQUIRE_FALSE(client.has_value());
  CHECK(client.error().category == ErrorCategory::config);
  CHECK(client.error().str() == "evalgate.yaml:12:7: unknown provider type 'opnai', did you mean 'openai'?");
}

TEST_CASE("a provider type far from every known one lists the known types")
{
  FakeTransport transport;
  const auto client = make_model_client(spec_of("bedrock"), transport);
  REQUIRE_FALSE(client.has_value());
  std::string known;
  for (const auto& row : provider_types()) {
    known += (known.empty() ? "" : ", ") + std::string(row.name);
  }
  CHECK(client.error().str() == "evalgate.yaml:12:7: unknown provider type 'bedrock'; known types: " + known);
}

TEST_CASE("field returns the case field as the output without any call")
{
  FakeTransport transport;
  auto client = make_model_client(spec_of("field"), transport);
  REQUIRE(client.has_value());
  const Json vars = {{"answer", "Paris"}, {"question", "capital of France?"}};
  CallInput input;
  input.vars = &vars;
  const auto result = call(**client, input);
  CHECK(result.failure == FailureKind::none);
  CHECK(result.text == "Paris");
  CHECK(result.attempts == 0);
  CHECK(result.latency_ms == 0);
  CHECK(transport.submissions().empty());
}

TEST_CASE("field dumps non-string values as compact JSON and null as empty")
{
  FakeTransport transport;
  auto client = make_model_client(spec_of("field"), transport);
  REQUIRE(client.has_value());
  Json vars = {{"answer", {{"label", "refund"}, {"score", 0.9}}}};
  CallInput input;
  input.vars = &vars;
  CHECK(call(**client, input).text == R"({"label":"refund","score":0.9})");
  vars["answer"] = nullptr;
  const auto result = call(**client, input);
  CHECK(result.failure == FailureKind::none);
  CHECK(result.text.empty());
}

TEST_CASE("field reports a case without the field as a config failure")
{
  FakeTransport transport;
  auto client = make_model_client(spec_of("field"), transport);
  REQUIRE(client.has_value());
  const Json vars = {{"question", "capital of France?"}};
  CallInput input;
  input.vars = &vars;
  const auto result = call(**client, input);
  CHECK(result.failure == FailureKind::config);
  CHECK(result.error == "case has no field 'answer' (provider 'recorded' reads its output there)");
  CHECK(result.attempts == 0);
  CHECK(call(**client, CallInput{}).failure == FailureKind::config);
}

TEST_CASE("field without a field name is a config error")
{
  FakeTransport transport;
  auto spec = spec_of("field");
  spec.field.clear();
  const auto client = make_model_client(spec, transport);
  REQUIRE_FALSE(client.has_value());
  CHECK(client.error().str() == "evalgate.yaml:12:7: provider 'recorded' (type field) needs 'field'");
}

TEST_CASE("the retrying client waits the computed backoff between attempts")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  transport.script(respond(503, R"({"error":{"message":"overloaded"}})"));
  transport.script(respond(429, "{}", {{"retry-after", "2"}}));
  transport.script(respond(200, read_fixture("openai_chat_ok.json")));
  auto client = make_model_client(spec_of("openai"), transport);
  REQUIRE(client.has_value());
  const auto result = call(**client, user_says("refund policy?"));
  CHECK(result.failure == FailureKind::none);
  CHECK(result.text == "Refunds are issued within 5 business days.");
  CHECK(result.usage.total_tokens == 51);
  CHECK(result.attempts == 3);
  REQUIRE(transport.submissions().size() == 3);
  CHECK(transport.submissions()[0].delay_ms == 0);
  CHECK(transport.submissions()[1].delay_ms >= 0);
  CHECK(transport.submissions()[1].delay_ms <= 1);
  CHECK(transport.submissions()[2].delay_ms >= 2000);
  CHECK(transport.submissions()[2].delay_ms <= 2200);
  // Every attempt sends the same request.
  CHECK(transport.submissions()[2].request.body == transport.submissions()[0].request.body);
}

TEST_CASE("the retrying client stops after max_retries and reports the last failure")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  for (int i = 0; i < 4; ++i) {
    transport.script(respond(500, R"({"error":{"message":"boom )" + std::to_string(i) + "\"}}"));
  }
  auto client = make_model_client(spec_of("openai"), transport);
  REQUIRE(client.has_value());
  const auto result = call(**client, user_says("hi"));
  CHECK(result.failure == FailureKind::http_5xx);
  CHECK(result.attempts == 4);
  CHECK(result.error == "HTTP 500: boom 3");
}

TEST_CASE("a malformed 200 is retried and reported as a parse failure when it persists")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  transport.script(respond(200, read_fixture("openai_chat_truncated.json")));
  transport.script(respond(200, read_fixture("openai_chat_ok.json")));
  auto client = make_model_client(spec_of("openai"), transport);
  REQUIRE(client.has_value());
  auto result = call(**client, user_says("hi"));
  CHECK(result.failure == FailureKind::none);
  CHECK(result.attempts == 2);

  auto spec = spec_of("openai");
  spec.max_retries = 1;
  auto strict = make_model_client(spec, transport);
  REQUIRE(strict.has_value());
  transport.script(respond(200, "not json"));
  transport.script(respond(200, "not json"));
  result = call(**strict, user_says("hi"));
  CHECK(result.failure == FailureKind::parse);
  CHECK(result.attempts == 2);
  CHECK(result.error == "malformed response: body is not JSON (8 bytes)");
}

TEST_CASE("a provider asking to wait more than 120 seconds fails at once")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  transport.script(respond(429, R"({"error":{"message":"slow down"}})", {{"retry-after", "300"}}));
  auto client = make_model_client(spec_of("openai"), transport);
  REQUIRE(client.has_value());
  const auto result = call(**client, user_says("hi"));
  CHECK(result.failure == FailureKind::rate_limited);
  CHECK(result.attempts == 1);
  CHECK(result.error == "HTTP 429: slow down; provider asked to wait 300s (more than the 120s evalgate waits)");
}

TEST_CASE("the API key never appears in a call's error text")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  transport.script(respond(401, std::string(R"({"error":{"message":"key )") + k_key +
                                  R"( rejected; sk-tes*******cdef is not valid"}})"));
  auto client = make_model_client(spec_of("openai"), transport);
  REQUIRE(client.has_value());
  const auto result = call(**client, user_says("hi"));
  CHECK(result.failure == FailureKind::http_4xx);
  CHECK(result.attempts == 1);
  CHECK(result.error == "HTTP 401: key *** rejected; *** is not valid");
}

TEST_CASE("an encode failure is reported without any attempt")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  FakeTransport transport;
  auto client = make_model_client(spec_of("openai"), transport);
  REQUIRE(client.has_value());
  const auto result = call(**client, CallInput{});
  CHECK(result.failure == FailureKind::config);
  CHECK(result.attempts == 0);
  CHECK(result.error == "no messages to send: the rendered prompt is empty");
  CHECK(transport.submissions().empty());
}
