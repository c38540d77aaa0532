#include <doctest/doctest.h>

#include "fixtures.hpp"
#include "providers/anthropic_provider.hpp"
#include "providers/retry_policy.hpp"
#include "scoped_env.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

constexpr const char* k_key = "sk-ant-test-0123456789abcdef";

std::shared_ptr<const Provider> anthropic(const ProviderSpec& spec)
{
  auto provider = make_anthropic_provider(spec);
  REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().str()));
  return *provider;
}

ProviderSpec claude_spec()
{
  return wire_spec("anthropic", "claude-sonnet-4-5");
}

} // namespace

TEST_CASE("anthropic lifts system messages into system and sends the key and version headers")
{
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  const auto request = anthropic(claude_spec())
                           ->encode(wire_input({{"system", "Be brief."},
                                                {"user", "Hi"},
                                                {"assistant", "Hello."},
                                                {"developer", "No emoji."},
                                                {"user", "Refunds?"}}));
  REQUIRE(request.has_value());
  CHECK(request->url == "https://api.anthropic.com/v1/messages");
  CHECK(header_of(*request, "x-api-key") == k_key);
  CHECK(header_of(*request, "anthropic-version") == "2023-06-01");
  CHECK(header_of(*request, "content-type") == "application/json");
  CHECK_FALSE(header_of(*request, "Authorization").has_value());
  CHECK(request->body == R"({"max_tokens":4096,"messages":[{"content":"Hi","role":"user"},)"
                         R"({"content":"Hello.","role":"assistant"},{"content":"Refunds?","role":"user"}],)"
                         R"("model":"claude-sonnet-4-5","system":"Be brief.\n\nNo emoji."})");
}

TEST_CASE("anthropic takes max_tokens and other params from params as written")
{
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  auto spec = claude_spec();
  const Json tools = Json::parse(R"([{"name":"get_weather","input_schema":{"type":"object"}}])");
  spec.params = {
      {"max_tokens", 300}, {"temperature", 0}, {"tools", tools}, {"tool_choice", {{"type", "any"}}}};
  const auto request = anthropic(spec)->encode(wire_input({{"user", "Hi"}}));
  REQUIRE(request.has_value());
  const Json body = Json::parse(request->body);
  CHECK(body["max_tokens"] == 300);
  CHECK(body["temperature"] == 0);
  CHECK(body["tools"] == tools);
  CHECK(body["tool_choice"] == Json{{"type", "any"}});
  CHECK_FALSE(body.contains("system"));
}

TEST_CASE("anthropic rejects a prompt that is only a system message")
{
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  const auto request = anthropic(claude_spec())->encode(wire_input({{"system", "Be brief."}}));
  REQUIRE_FALSE(request.has_value());
  CHECK(request.error().message ==
        "no messages to send: Anthropic needs at least one user or assistant message "
        "besides the system prompt");
}

TEST_CASE(
    "anthropic usage adds cache reads and writes to the prompt tokens and reports cache reads as cached")
{
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  const auto completion =
      anthropic(claude_spec())->decode(ok_response(read_fixture("anthropic_message_ok.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text == "Refunds are issued within 5 business days.");
  CHECK(completion->usage.prompt_tokens == 12 + 1500 + 300);
  CHECK(completion->usage.cached_tokens == 1500);
  CHECK(completion->usage.completion_tokens == 80);
  CHECK(completion->usage.total_tokens == 1812 + 80);
  CHECK(completion->raw["finish_reason"] == "end_turn");
}

TEST_CASE("anthropic tool_use blocks become tool calls in the common shape")
{
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  const auto completion =
      anthropic(claude_spec())->decode(ok_response(read_fixture("anthropic_message_tool_use.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text == "I'll check the weather.");
  CHECK(completion->raw["finish_reason"] == "tool_use");
  CHECK(completion->raw["tool_calls"] ==
        Json::parse(
            R"([{"id":"toolu_01A09q90qw90lq917835lq9","type":"function","function":{"name":"get_weather",
                     "arguments":"{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"}}])"));
}

TEST_CASE("anthropic error bodies: 529 overloaded is retried, 401 is not, and the message is Anthropic's")
{
  HttpResponse overloaded;
  overloaded.status = 529;
  overloaded.body = read_fixture("anthropic_error_529.json");
  const auto retry = classify_response(overloaded);
  CHECK(retry.retryable);
  CHECK(retry.message == "HTTP 529: Overloaded");
  HttpResponse denied;
  denied.status = 401;
  denied.body = read_fixture("anthropic_error_401.json");
  const auto stop = classify_response(denied);
  CHECK_FALSE(stop.retryable);
  CHECK(stop.message == "HTTP 401: invalid x-api-key");
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  const auto in_200 = anthropic(claude_spec())->decode(ok_response(read_fixture("anthropic_error_529.json")));
  REQUIRE_FALSE(in_200.has_value());
  CHECK(in_200.error().message == "error in a 200 response: Overloaded");
}

TEST_CASE("anthropic stream decodes text, usage and stop reason from named events in any chunking")
{
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  auto spec = claude_spec();
  spec.options = {{"stream", true}};
  const auto provider = anthropic(spec);
  CHECK(Json::parse(provider->encode(wire_input({{"user", "Hi"}}))->body)["stream"] == true);
  const std::string sse = read_fixture("anthropic_stream_ok.sse");
  for (std::size_t chunk : {1, 13, 4096}) {
    auto decoder = provider->stream_decoder();
    REQUIRE(decoder != nullptr);
    const auto completion = feed_in_chunks(*decoder, sse, chunk);
    REQUIRE_MESSAGE(completion.has_value(), (completion ? "" : completion.error().message));
    CHECK(decoder->has_content());
    CHECK(completion->text == "Hello!");
    CHECK(completion->usage.prompt_tokens == 125);
    CHECK(completion->usage.cached_tokens == 100);
    CHECK(completion->usage.completion_tokens == 15);
    CHECK(completion->raw["finish_reason"] == "end_turn");
  }
}

TEST_CASE("an anthropic stream without message_stop, or with an error event, is a failure")
{
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  auto spec = claude_spec();
  spec.options = {{"stream", true}};
  const auto provider = anthropic(spec);
  auto truncated = provider->stream_decoder();
  const auto cut = feed_in_chunks(*truncated, read_fixture("anthropic_stream_truncated.sse"), 32);
  REQUIRE_FALSE(cut.has_value());
  CHECK(cut.error().message == "stream ended without 'message_stop' (truncated response)");
  auto errored = provider->stream_decoder();
  const auto error = feed_in_chunks(*errored, read_fixture("anthropic_stream_error.sse"), 32);
  REQUIRE_FALSE(error.has_value());
  CHECK(error.error().message == "error event in the stream: Overloaded");
  const auto whole = provider->decode(ok_response(read_fixture("anthropic_stream_truncated.sse")));
  CHECK_FALSE(whole.has_value());
}

TEST_CASE("anthropic stream joins input_json_delta fragments into a tool call")
{
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  auto spec = claude_spec();
  spec.options = {{"stream", true}};
  auto decoder = anthropic(spec)->stream_decoder();
  const auto completion = feed_in_chunks(*decoder, read_fixture("anthropic_stream_tool_use.sse"), 17);
  REQUIRE(completion.has_value());
  CHECK(completion->text == "Okay, let's check the weather.");
  CHECK(completion->raw["tool_calls"][0]["id"] == "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
  CHECK(completion->raw["tool_calls"][0]["function"]["name"] == "get_weather");
  CHECK(completion->raw["tool_calls"][0]["function"]["arguments"] == "{\"location\": \"San Francisco, CA\"}");
  CHECK(completion->usage.completion_tokens == 89);
}

TEST_CASE("anthropic needs a model and, with the default base URL, ANTHROPIC_API_KEY; it has no embeddings")
{
  ScopedEnv key("ANTHROPIC_API_KEY", std::nullopt);
  CHECK(make_anthropic_provider(claude_spec()).error().str() ==
        "evalgate.yaml:9:5: environment variable ANTHROPIC_API_KEY is not set; provider 'p' needs it (or set "
        "api_key_env / base_url)");
  auto local = claude_spec();
  local.base_url = "http://127.0.0.1:9999";
  auto provider = make_anthropic_provider(local);
  REQUIRE(provider.has_value());
  const auto request = (*provider)->encode(wire_input({{"user", "Hi"}}));
  CHECK(request->url == "http://127.0.0.1:9999/v1/messages");
  CHECK_FALSE(header_of(*request, "x-api-key").has_value());
  CHECK((*provider)->encode_embed({"a"}).error().category == ErrorCategory::config);
  local.model.clear();
  CHECK(make_anthropic_provider(local).error().str() ==
        "evalgate.yaml:9:5: provider 'p' (type anthropic) needs 'model'");
}
