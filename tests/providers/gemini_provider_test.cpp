#include <doctest/doctest.h>

#include "fixtures.hpp"
#include "providers/gemini_provider.hpp"
#include "providers/retry_policy.hpp"
#include "scoped_env.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

constexpr const char* k_key = "AIzaSyTest0123456789abcdef";

std::shared_ptr<const Provider> gemini(const ProviderSpec& spec)
{
  auto provider = make_gemini_provider(spec);
  REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().str()));
  return *provider;
}

} // namespace

TEST_CASE("gemini sends the key in x-goog-api-key, never in the URL, with systemInstruction and model roles")
{
  ScopedEnv key("GEMINI_API_KEY", k_key);
  const auto request =
      gemini(wire_spec("gemini", "gemini-2.5-flash"))
          ->encode(wire_input(
              {{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello."}, {"user", "Refunds?"}}));
  REQUIRE(request.has_value());
  CHECK(request->url ==
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
  CHECK(request->url.find(k_key) == std::string::npos);
  CHECK(request->url.find("key=") == std::string::npos);
  CHECK(header_of(*request, "x-goog-api-key") == k_key);
  CHECK(request->body ==
        R"({"contents":[{"parts":[{"text":"Hi"}],"role":"user"},)"
        R"({"parts":[{"text":"Hello."}],"role":"model"},{"parts":[{"text":"Refunds?"}],"role":"user"}],)"
        R"("systemInstruction":{"parts":[{"text":"Be brief."}]}})");
}

TEST_CASE("gemini maps params into generationConfig and keeps request-level fields at the top")
{
  ScopedEnv key("GEMINI_API_KEY", k_key);
  auto spec = wire_spec("gemini", "models/gemini-2.5-flash");
  spec.params = {{"temperature", 0},
                 {"max_tokens", 300},
                 {"top_p", 0.9},
                 {"seed", 7},
                 {"stop", "END"},
                 {"response_mime_type", "application/json"},
                 {"safety_settings", Json::array({{{"category", "HARM_CATEGORY_HARASSMENT"}}})},
                 {"generationConfig", {{"candidateCount", 1}}}};
  const auto request = gemini(spec)->encode(wire_input({{"user", "Hi"}}));
  REQUIRE(request.has_value());
  CHECK(request->url ==
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
  const Json body = Json::parse(request->body);
  CHECK(body["generationConfig"] == Json{{"temperature", 0},
                                         {"maxOutputTokens", 300},
                                         {"topP", 0.9},
                                         {"seed", 7},
                                         {"stopSequences", {"END"}},
                                         {"responseMimeType", "application/json"},
                                         {"candidateCount", 1}});
  CHECK(body["safetySettings"] == Json::array({{{"category", "HARM_CATEGORY_HARASSMENT"}}}));
}

TEST_CASE("gemini decodes text parts, finish reason and usage with cached tokens inside the prompt count")
{
  ScopedEnv key("GEMINI_API_KEY", k_key);
  const auto completion =
      gemini(wire_spec("gemini"))->decode(ok_response(read_fixture("gemini_generate_ok.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text == "Refunds are issued within 5 business days.");
  CHECK(completion->raw["finish_reason"] == "STOP");
  CHECK(completion->usage.prompt_tokens == 1200);
  CHECK(completion->usage.cached_tokens == 1024);
  CHECK(completion->usage.completion_tokens == 39);
  CHECK(completion->usage.total_tokens == 1239);
}

TEST_CASE("gemini functionCall parts become tool calls with JSON-string arguments")
{
  ScopedEnv key("GEMINI_API_KEY", k_key);
  const auto completion =
      gemini(wire_spec("gemini"))->decode(ok_response(read_fixture("gemini_function_call.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text.empty());
  CHECK(completion->raw["tool_calls"] ==
        Json::parse(R"([{"id":"call_0","type":"function","function":{"name":"find_theaters",
                     "arguments":"{\"location\":\"Mountain View, CA\",\"movie\":\"Barbie\"}"}}])"));
}

TEST_CASE("a gemini prompt blocked by safety is an empty output with the block reason, not an error")
{
  ScopedEnv key("GEMINI_API_KEY", k_key);
  const auto completion =
      gemini(wire_spec("gemini"))->decode(ok_response(read_fixture("gemini_generate_blocked.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text.empty());
  CHECK(completion->raw["finish_reason"] == "SAFETY");
  CHECK(completion->usage.prompt_tokens == 8);
}

TEST_CASE("gemini error bodies are read for their message; a 429 is retried")
{
  HttpResponse limited;
  limited.status = 429;
  limited.body = read_fixture("gemini_error_429.json");
  const auto decision = classify_response(limited);
  CHECK(decision.retryable);
  CHECK(decision.message ==
        "HTTP 429: You exceeded your current quota, please check your plan and billing details.");
}

TEST_CASE("gemini stream uses streamGenerateContent?alt=sse and completes on the chunk with finishReason")
{
  ScopedEnv key("GEMINI_API_KEY", k_key);
  auto spec = wire_spec("gemini", "gemini-2.5-flash");
  spec.options = {{"stream", true}};
  const auto provider = gemini(spec);
  const auto request = provider->encode(wire_input({{"user", "Hi"}}));
  REQUIRE(request.has_value());
  CHECK(request->url == "https://generativelanguage.googleapis.com/v1beta/models/"
                        "gemini-2.5-flash:streamGenerateContent?alt=sse");
  CHECK(request->url.find(k_key) == std::string::npos);
  for (std::size_t chunk : {1, 10, 100000}) {
    auto decoder = provider->stream_decoder();
    REQUIRE(decoder != nullptr);
    const auto completion = feed_in_chunks(*decoder, read_fixture("gemini_stream_ok.sse"), chunk);
    REQUIRE_MESSAGE(completion.has_value(), (completion ? "" : completion.error().message));
    CHECK(decoder->has_content());
    CHECK(completion->text == "The sky is blue.");
    CHECK(completion->raw["finish_reason"] == "STOP");
    CHECK(completion->usage.prompt_tokens == 8);
    CHECK(completion->usage.completion_tokens == 5);
    CHECK(completion->usage.total_tokens == 13);
  }
  auto truncated = provider->stream_decoder();
  const auto cut = feed_in_chunks(*truncated, read_fixture("gemini_stream_truncated.sse"), 10);
  REQUIRE_FALSE(cut.has_value());
  CHECK(cut.error().message == "stream ended without a chunk carrying finishReason (truncated response)");
}

TEST_CASE("gemini embeddings use batchEmbedContents with one request per text")
{
  ScopedEnv key("GEMINI_API_KEY", k_key);
  auto spec = wire_spec("gemini", "gemini-embedding-001");
  spec.params = {{"dimensions", 768}, {"task_type", "RETRIEVAL_DOCUMENT"}};
  const auto provider = gemini(spec);
  const auto request = provider->encode_embed({"a", "b"});
  REQUIRE(request.has_value());
  CHECK(request->url ==
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
  CHECK(header_of(*request, "x-goog-api-key") == k_key);
  CHECK(Json::parse(request->body) == Json::parse(R"({"requests":[
          {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]},"outputDimensionality":768,"taskType":"RETRIEVAL_DOCUMENT"},
          {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]},"outputDimensionality":768,"taskType":"RETRIEVAL_DOCUMENT"}]})"));
  Usage usage;
  const auto vectors = provider->decode_embed(ok_response(read_fixture("gemini_embed.json")), usage);
  REQUIRE(vectors.has_value());
  REQUIRE(vectors->size() == 2);
  CHECK((*vectors)[1][1] == doctest::Approx(0.026213637));
}

TEST_CASE("gemini needs GEMINI_API_KEY with the default base URL")
{
  ScopedEnv key("GEMINI_API_KEY", std::nullopt);
  CHECK(make_gemini_provider(wire_spec("gemini")).error().str() ==
        "evalgate.yaml:9:5: environment variable GEMINI_API_KEY is not set; provider 'p' needs it (or set "
        "api_key_env / base_url)");
}
