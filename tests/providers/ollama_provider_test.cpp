#include <doctest/doctest.h>

#include "fixtures.hpp"
#include "providers/ollama_provider.hpp"
#include "providers/retry_policy.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

std::shared_ptr<const Provider> ollama(const ProviderSpec& spec)
{
  auto provider = make_ollama_provider(spec);
  REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().str()));
  return *provider;
}

} // namespace

TEST_CASE("ollama posts to /api/chat without a key, stream false, sampling params in options")
{
  auto spec = wire_spec("ollama", "llama3.2");
  spec.params = {{"temperature", 0}, {"seed", 42},       {"max_tokens", 256},
                 {"num_ctx", 8192},  {"format", "json"}, {"keep_alive", "5m"}};
  const auto request = ollama(spec)->encode(wire_input({{"system", "Be brief."}, {"user", "Hi"}}));
  REQUIRE(request.has_value());
  CHECK(request->url == "http://localhost:11434/api/chat");
  CHECK_FALSE(header_of(*request, "Authorization").has_value());
  CHECK(request->body ==
        R"({"format":"json","keep_alive":"5m","messages":[{"content":"Be brief.","role":"system"},)"
        R"({"content":"Hi","role":"user"}],"model":"llama3.2",)"
        R"("options":{"num_ctx":8192,"num_predict":256,"seed":42,"temperature":0},"stream":false})");
}

TEST_CASE("ollama decodes content, done_reason and usage counts")
{
  const auto completion =
      ollama(wire_spec("ollama"))->decode(ok_response(read_fixture("ollama_chat_ok.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text == "Hello! How are you today?");
  CHECK(completion->raw["finish_reason"] == "stop");
  CHECK(completion->usage.prompt_tokens == 26);
  CHECK(completion->usage.completion_tokens == 298);
  CHECK(completion->usage.total_tokens == 324);
}

TEST_CASE("ollama tool calls with object arguments become JSON-string arguments")
{
  const auto completion =
      ollama(wire_spec("ollama"))->decode(ok_response(read_fixture("ollama_chat_tool_calls.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->raw["tool_calls"] ==
        Json::parse(R"([{"id":"call_0","type":"function","function":{"name":"get_current_weather",
                     "arguments":"{\"format\":\"celsius\",\"location\":\"Paris, FR\"}"}}])"));
}

TEST_CASE("ollama errors: a 404 body's text is the message; an error in a 200 body is a failure")
{
  HttpResponse missing;
  missing.status = 404;
  missing.body = read_fixture("ollama_error_404.json");
  const auto decision = classify_response(missing);
  CHECK_FALSE(decision.retryable);
  CHECK(decision.message == "HTTP 404: model \"llama3.3\" not found, try pulling it first");
  const auto in_200 = ollama(wire_spec("ollama"))->decode(ok_response(read_fixture("ollama_error_404.json")));
  REQUIRE_FALSE(in_200.has_value());
  CHECK(in_200.error().message ==
        "error in a 200 response: model \"llama3.3\" not found, try pulling it first");
}

TEST_CASE("ollama stream is NDJSON and completes only on the object with done: true")
{
  auto spec = wire_spec("ollama", "llama3.2");
  spec.options = {{"stream", true}};
  const auto provider = ollama(spec);
  CHECK(Json::parse(provider->encode(wire_input({{"user", "Hi"}}))->body)["stream"] == true);
  for (std::size_t chunk : {1, 50, 100000}) {
    auto decoder = provider->stream_decoder();
    REQUIRE(decoder != nullptr);
    const auto completion = feed_in_chunks(*decoder, read_fixture("ollama_stream_ok.ndjson"), chunk);
    REQUIRE_MESSAGE(completion.has_value(), (completion ? "" : completion.error().message));
    CHECK(decoder->has_content());
    CHECK(completion->text == "The sky");
    CHECK(completion->usage.completion_tokens == 282);
  }
  auto truncated = provider->stream_decoder();
  const auto cut = feed_in_chunks(*truncated, read_fixture("ollama_stream_truncated.ndjson"), 50);
  REQUIRE_FALSE(cut.has_value());
  CHECK(cut.error().message == "stream ended without an object with \"done\": true (truncated response)");
  auto errored = provider->stream_decoder();
  const auto error = feed_in_chunks(*errored, read_fixture("ollama_stream_error.ndjson"), 50);
  REQUIRE_FALSE(error.has_value());
  CHECK(error.error().message ==
        "error event in the stream: an error was encountered while running the model: unexpected EOF");
}

TEST_CASE("ollama embeddings post to /api/embed and read one vector per input")
{
  auto spec = wire_spec("ollama", "all-minilm");
  spec.base_url = "http://gpu-box:11434/";
  const auto provider = ollama(spec);
  const auto request = provider->encode_embed({"a", "b"});
  REQUIRE(request.has_value());
  CHECK(request->url == "http://gpu-box:11434/api/embed");
  CHECK(request->body == R"({"input":["a","b"],"model":"all-minilm"})");
  Usage usage;
  const auto vectors = provider->decode_embed(ok_response(read_fixture("ollama_embed.json")), usage);
  REQUIRE(vectors.has_value());
  REQUIRE(vectors->size() == 2);
  CHECK((*vectors)[0][2] == doctest::Approx(0.05007221));
  CHECK(usage.prompt_tokens == 8);
}
