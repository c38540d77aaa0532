// Hostile provider responses (docs/robustness.md): JSON nested far deeper than any API sends, in a
// whole body, in a stream event and in an error body, is a parse failure of that trial (retried
// like a truncated body), never a stack overflow; a 10 MB answer decodes whole.

#include <doctest/doctest.h>

#include "core/json_depth.hpp"
#include "providers/anthropic_provider.hpp"
#include "providers/gemini_provider.hpp"
#include "providers/http_app_provider.hpp"
#include "providers/ollama_provider.hpp"
#include "providers/openai_provider.hpp"
#include "providers/retry_policy.hpp"
#include "scoped_env.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

std::string nested(int depth)
{
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

// A body that is valid JSON nested 100,000 levels deep inside an otherwise plausible object.
const std::string k_deep_body = "{\"choices\": " + nested(100000) + "}";

std::shared_ptr<const Provider> provider(Result<std::shared_ptr<const Provider>> made)
{
  REQUIRE_MESSAGE(made.has_value(), (made ? "" : made.error().str()));
  return *made;
}

// The keys the cloud providers need before they can be built; never sent anywhere here.
struct TestKeys {
  ScopedEnv openai{"OPENAI_API_KEY", "sk-test-hostile"};
  ScopedEnv anthropic{"ANTHROPIC_API_KEY", "sk-ant-test-hostile"};
  ScopedEnv gemini{"GEMINI_API_KEY", "gemini-test-hostile"};
};

ProviderSpec streaming(const std::string& type)
{
  auto spec = wire_spec(type);
  spec.options = {{"stream", true}};
  return spec;
}

ProviderSpec http_spec()
{
  auto spec = wire_spec("http", "");
  spec.options = {{"url", "http://x/a"}, {"output", "data.answer"}};
  return spec;
}

} // namespace

TEST_CASE("the depth scan counts brackets outside strings only")
{
  CHECK_FALSE(json_depth_exceeded(nested(256)));
  CHECK(json_depth_exceeded(nested(257)) == 256);
  CHECK_FALSE(json_depth_exceeded("[\"" + std::string(10000, '[') + "\"]"));
  CHECK_FALSE(json_depth_exceeded("[\"\\\"" + std::string(10000, '{') + "\"]"));
  CHECK(parse_json_bounded(nested(100000)).is_discarded());
  CHECK(parse_json_bounded("{\"a\": [1, {\"b\": 2}]}")["a"][1]["b"] == 2);
}

TEST_CASE("a deeply nested body is a malformed response for every provider, not a crash")
{
  TestKeys keys;
  const std::string expected = "malformed response: body nested deeper than 256 levels (byte 268)";
  for (const auto& p :
       {provider(make_openai_provider(wire_spec("openai"))),
        provider(make_anthropic_provider(wire_spec("anthropic"))),
        provider(make_gemini_provider(wire_spec("gemini"))),
        provider(make_ollama_provider(wire_spec("ollama"))), provider(make_http_app_provider(http_spec()))}) {
    const auto decoded = p->decode(ok_response(k_deep_body));
    REQUIRE_FALSE(decoded.has_value());
    CHECK(decoded.error().message == expected);
  }
}

TEST_CASE("a deeply nested stream event is a malformed stream, not a crash")
{
  TestKeys keys;
  for (const char* type : {"openai", "anthropic", "gemini"}) {
    INFO(type);
    auto spec = streaming(type);
    std::shared_ptr<const Provider> p = spec.type == "openai"      ? provider(make_openai_provider(spec))
                                        : spec.type == "anthropic" ? provider(make_anthropic_provider(spec))
                                                                   : provider(make_gemini_provider(spec));
    auto decoder = p->stream_decoder();
    REQUIRE(decoder);
    const auto done = feed_in_chunks(*decoder, "data: " + k_deep_body + "\n\n", 4096);
    REQUIRE_FALSE(done.has_value());
    CHECK(done.error().message.find("malformed stream") != std::string::npos);
  }
  auto ollama = provider(make_ollama_provider(streaming("ollama")))->stream_decoder();
  REQUIRE(ollama);
  const auto done = feed_in_chunks(*ollama, k_deep_body + "\n", 4096);
  REQUIRE_FALSE(done.has_value());
  CHECK(done.error().message.find("malformed stream: a line is not JSON") != std::string::npos);
}

TEST_CASE("a deeply nested error body still yields an error message")
{
  const std::string message = provider_error_message("{\"error\": " + nested(100000) + "}");
  CHECK_FALSE(message.empty());
  CHECK(message.size() < 1000);
}

TEST_CASE("a 10 MB answer decodes whole")
{
  TestKeys keys;
  const std::string answer(10U * 1024 * 1024, 'z');
  const std::string body =
      Json{{"choices", Json::array({{{"index", 0},
                                     {"message", {{"role", "assistant"}, {"content", answer}}},
                                     {"finish_reason", "stop"}}})}}
          .dump();
  const auto decoded = provider(make_openai_provider(wire_spec("openai")))->decode(ok_response(body));
  REQUIRE_MESSAGE(decoded.has_value(), (decoded ? "" : decoded.error().str()));
  CHECK(decoded->text.size() == answer.size());
}
