#include <doctest/doctest.h>

#include <algorithm>

#include "fixtures.hpp"
#include "providers/openai_provider.hpp"
#include "scoped_env.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

constexpr const char* k_key = "sk-test-wire-0123456789";

std::shared_ptr<const Provider> openai(const ProviderSpec& spec)
{
  auto provider = make_openai_provider(spec);
  REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().str()));
  return *provider;
}

} // namespace

TEST_CASE("openai passes tools, tool_choice and a json_schema response_format through from params")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  auto spec = wire_spec("openai", "gpt-4o-mini");
  const Json tools = Json::parse(R"([{"type":"function","function":{"name":"get_weather","parameters":
    {"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}])");
  const Json format = Json::parse(R"({"type":"json_schema","json_schema":{"name":"verdict","strict":true,
    "schema":{"type":"object","properties":{"pass":{"type":"boolean"}}}}})");
  spec.params = {
      {"tools", tools}, {"tool_choice", "required"}, {"response_format", format}, {"logprobs", true}};
  const auto request = openai(spec)->encode(wire_input({{"user", "Weather in Paris?"}}));
  REQUIRE(request.has_value());
  const Json body = Json::parse(request->body);
  CHECK(body["tools"] == tools);
  CHECK(body["tool_choice"] == "required");
  CHECK(body["response_format"] == format);
  CHECK(body["logprobs"] == true);
  CHECK_FALSE(body.contains("stream"));
}

TEST_CASE("openai decodes tool calls, finish reason and cached prompt tokens")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  const auto completion =
      openai(wire_spec("openai"))->decode(ok_response(read_fixture("openai_chat_tool_calls.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text.empty());
  CHECK(completion->raw["finish_reason"] == "tool_calls");
  CHECK(completion->raw["tool_calls"] ==
        Json::parse(R"([{"id":"call_abc123","type":"function","function":{"name":"get_current_weather",
                     "arguments":"{\n\"location\": \"Boston, MA\"\n}"}}])"));
  CHECK(completion->usage.prompt_tokens == 1200);
  CHECK(completion->usage.cached_tokens == 1024);
  CHECK(completion->usage.completion_tokens == 17);
  CHECK(completion->usage.total_tokens == 1217);
}

TEST_CASE("openai keeps choices[0].logprobs in the raw extras")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  const auto completion =
      openai(wire_spec("openai"))->decode(ok_response(read_fixture("openai_chat_logprobs.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text == "Yes");
  const Json& first = completion->raw["logprobs"]["content"][0];
  CHECK(first["token"] == "Yes");
  CHECK(first["top_logprobs"][1]["token"] == "No");
  CHECK(first["top_logprobs"][1]["logprob"].get<double>() == doctest::Approx(-1.3190403));
}

TEST_CASE("openai with stream: true asks for a stream with usage and decodes it in any chunking")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  auto spec = wire_spec("openai");
  spec.options = {{"stream", true}};
  const auto provider = openai(spec);
  const auto request = provider->encode(wire_input({{"user", "hi"}}));
  REQUIRE(request.has_value());
  const Json body = Json::parse(request->body);
  CHECK(body["stream"] == true);
  CHECK(body["stream_options"] == Json{{"include_usage", true}});
  const std::string sse = read_fixture("openai_stream_ok.sse");
  for (std::size_t chunk : {1, 5, 64, 100000}) {
    auto decoder = provider->stream_decoder();
    REQUIRE(decoder != nullptr);
    CHECK_FALSE(decoder->has_content());
    const auto completion = feed_in_chunks(*decoder, sse, chunk);
    REQUIRE_MESSAGE(completion.has_value(), (completion ? "" : completion.error().message));
    CHECK(decoder->has_content());
    CHECK(completion->text == "Hello there");
    CHECK(completion->raw["finish_reason"] == "stop");
    CHECK(completion->usage.prompt_tokens == 20);
    CHECK(completion->usage.completion_tokens == 2);
  }
  // A whole streamed body handed to decode() (a non-incremental transfer) reads the same.
  const auto whole = provider->decode(ok_response(sse));
  REQUIRE(whole.has_value());
  CHECK(whole->text == "Hello there");
}

TEST_CASE("openai without stream: true has no stream decoder")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  CHECK(openai(wire_spec("openai"))->stream_decoder() == nullptr);
}

TEST_CASE("an openai stream that ends without data: [DONE] is a failure, never a result")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  auto spec = wire_spec("openai");
  spec.options = {{"stream", true}};
  const auto provider = openai(spec);
  auto decoder = provider->stream_decoder();
  const auto completion = feed_in_chunks(*decoder, read_fixture("openai_stream_truncated.sse"), 16);
  REQUIRE_FALSE(completion.has_value());
  CHECK(completion.error().message == "stream ended without 'data: [DONE]' (truncated response)");
  // Cut inside a JSON payload.
  const std::string sse = read_fixture("openai_stream_ok.sse");
  auto cut = provider->stream_decoder();
  const auto partial = feed_in_chunks(*cut, std::string_view(sse).substr(0, 300), 7);
  REQUIRE_FALSE(partial.has_value());
}

TEST_CASE("an openai stream error event fails the stream with the provider's message")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  auto spec = wire_spec("openai");
  spec.options = {{"stream", true}};
  auto decoder = openai(spec)->stream_decoder();
  const auto completion = feed_in_chunks(*decoder, read_fixture("openai_stream_error.sse"), 9);
  REQUIRE_FALSE(completion.has_value());
  CHECK(completion.error().message == "error event in the stream: Provider disconnected");
}

TEST_CASE("openai stream joins tool-call argument fragments by index")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  auto spec = wire_spec("openai");
  spec.options = {{"stream", true}};
  auto decoder = openai(spec)->stream_decoder();
  const auto completion = feed_in_chunks(*decoder, read_fixture("openai_stream_tool_calls.sse"), 11);
  REQUIRE(completion.has_value());
  CHECK(decoder->has_content());
  CHECK(completion->raw["finish_reason"] == "tool_calls");
  CHECK(completion->raw["tool_calls"] ==
        Json::parse(R"([{"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function",
                     "function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}])"));
}

TEST_CASE("openai embeddings post model and inputs to /embeddings and order vectors by index")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  auto spec = wire_spec("openai", "text-embedding-3-small");
  spec.params = {{"dimensions", 256}, {"temperature", 0}};
  const auto provider = openai(spec);
  const auto request = provider->encode_embed({"first", "second"});
  REQUIRE(request.has_value());
  CHECK(request->url == "https://api.openai.com/v1/embeddings");
  CHECK(request->body == R"({"dimensions":256,"input":["first","second"],"model":"text-embedding-3-small"})");
  CHECK(header_of(*request, "Authorization") == std::string("Bearer ") + k_key);
  Usage usage;
  const auto vectors = provider->decode_embed(ok_response(read_fixture("openai_embeddings.json")), usage);
  REQUIRE(vectors.has_value());
  REQUIRE(vectors->size() == 2);
  CHECK((*vectors)[0][0] == doctest::Approx(0.0023064255));
  CHECK((*vectors)[1] == std::vector<float>{0.5f, -0.25f, 0.125f});
  CHECK(usage.prompt_tokens == 8);
}

TEST_CASE("openai headers option adds headers, expands ${ENV} and treats the expanded value as a secret")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  ScopedEnv org("EVALGATE_TEST_ORG_TOKEN", "org-secret-token-42");
  auto spec = wire_spec("openai");
  spec.options = {{"headers", {{"OpenAI-Organization", "${EVALGATE_TEST_ORG_TOKEN}"}, {"X-Trace", 7}}}};
  const auto provider = openai(spec);
  const auto request = provider->encode(wire_input({{"user", "hi"}}));
  REQUIRE(request.has_value());
  CHECK(header_of(*request, "OpenAI-Organization") == "org-secret-token-42");
  CHECK(header_of(*request, "X-Trace") == "7");
  const auto secrets = provider->secrets();
  CHECK(std::find(secrets.begin(), secrets.end(), "org-secret-token-42") != secrets.end());
  CHECK(std::find(secrets.begin(), secrets.end(), k_key) != secrets.end());
}

TEST_CASE("openai option values of the wrong type are config errors naming the provider and key")
{
  ScopedEnv key("OPENAI_API_KEY", k_key);
  auto spec = wire_spec("openai");
  spec.options = {{"stream", "yes"}};
  auto provider = make_openai_provider(spec);
  REQUIRE_FALSE(provider.has_value());
  CHECK(provider.error().category == ErrorCategory::config);
  CHECK(provider.error().str() ==
        "evalgate.yaml:9:5: provider 'p': 'stream' must be true or false, got \"yes\"");
  spec.options = {{"headers", {"X-A"}}};
  CHECK(
      make_openai_provider(spec).error().str() ==
      "evalgate.yaml:9:5: provider 'p': 'headers' must be a mapping of header name to value, got [\"X-A\"]");
  spec.options = {{"headers", {{"X-A", "${EVALGATE_TEST_UNSET_VAR}"}}}};
  CHECK(make_openai_provider(spec).error().str() ==
        "evalgate.yaml:9:5: provider 'p': headers.X-A: environment variable EVALGATE_TEST_UNSET_VAR is not "
        "set");
  spec.options = Json::object();
  spec.params = {{"stream", true}};
  CHECK(make_openai_provider(spec).error().str() == "evalgate.yaml:9:5: provider 'p': 'stream' belongs in "
                                                    "the provider block (stream: true), not in params");
}
