#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>

#include "fixtures.hpp"
#include "providers/openai_provider.hpp"
#include "scoped_env.hpp"

using namespace evalgate;
using evalgate::testing::read_fixture;
using evalgate::testing::ScopedEnv;

namespace {

ProviderSpec gpt_spec()
{
  ProviderSpec spec;
  spec.id = "gpt";
  spec.type = "openai";
  spec.model = "gpt-4o-mini";
  spec.location = Location{"evalgate.yaml", 7, 5, 0, ""};
  return spec;
}

CallInput chat(const std::vector<Message>& messages)
{
  CallInput input;
  input.messages = messages;
  return input;
}

HttpResponse ok(std::string body)
{
  HttpResponse response;
  response.status = 200;
  response.body = std::move(body);
  return response;
}

std::optional<std::string> header(const HttpRequest& request, const std::string& name)
{
  for (const auto& [key, value] : request.headers) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

} // namespace

TEST_CASE("openai encodes model, messages and params into the exact chat completions body")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto spec = gpt_spec();
  spec.params = Json{{"temperature", 0}, {"seed", 7}, {"max_tokens", 300}, {"top_k", 40}};
  spec.timeout_ms = 1234;
  auto provider = make_openai_provider(spec);
  REQUIRE(provider.has_value());
  const auto request = (*provider)->encode(chat({{"system", "Be brief."}, {"user", "Hi \"there\""}}));
  REQUIRE(request.has_value());
  CHECK(request->method == "POST");
  CHECK(request->url == "https://api.openai.com/v1/chat/completions");
  CHECK(request->timeout_ms == 1234);
  CHECK(request->body ==
        R"({"max_tokens":300,"messages":[{"content":"Be brief.","role":"system"},{"content":"Hi \"there\"","role":"user"}],)"
        R"("model":"gpt-4o-mini","seed":7,"temperature":0,"top_k":40})");
  CHECK(header(*request, "Authorization") == "Bearer sk-test-0123456789abcdef");
  CHECK(header(*request, "Content-Type") == "application/json");
}

TEST_CASE("openai reads the key from the variable named by api_key_env")
{
  ScopedEnv key("EVALGATE_TEST_MY_KEY", "sk-from-my-key-9999");
  auto spec = gpt_spec();
  spec.api_key_env = "EVALGATE_TEST_MY_KEY";
  auto provider = make_openai_provider(spec);
  REQUIRE(provider.has_value());
  const auto request = (*provider)->encode(chat({{"user", "hi"}}));
  REQUIRE(request.has_value());
  CHECK(header(*request, "Authorization") == "Bearer sk-from-my-key-9999");
  CHECK((*provider)->secrets() == std::vector<std::string>{"sk-from-my-key-9999"});
}

TEST_CASE("openai posts to a custom base_url without an Authorization header when no key is set")
{
  ScopedEnv key("OPENAI_API_KEY", std::nullopt);
  auto spec = gpt_spec();
  spec.base_url = "http://127.0.0.1:11434/v1/";
  auto provider = make_openai_provider(spec);
  REQUIRE(provider.has_value());
  const auto request = (*provider)->encode(chat({{"user", "hi"}}));
  REQUIRE(request.has_value());
  CHECK(request->url == "http://127.0.0.1:11434/v1/chat/completions");
  CHECK_FALSE(header(*request, "Authorization").has_value());
  CHECK((*provider)->secrets().empty());
}

TEST_CASE("openai without a key for the default endpoint is a config error naming the variable")
{
  ScopedEnv key("OPENAI_API_KEY", std::nullopt);
  const auto provider = make_openai_provider(gpt_spec());
  REQUIRE_FALSE(provider.has_value());
  CHECK(provider.error().category == ErrorCategory::config);
  CHECK(provider.error().str() ==
        "evalgate.yaml:7:5: environment variable OPENAI_API_KEY is not set; provider 'gpt' needs it (or set "
        "api_key_env / base_url)");
}

TEST_CASE("an api_key_env that is unset or empty is a config error even with a custom base_url")
{
  auto spec = gpt_spec();
  spec.api_key_env = "EVALGATE_TEST_MY_KEY";
  spec.base_url = "http://127.0.0.1:8000/v1";
  {
    ScopedEnv key("EVALGATE_TEST_MY_KEY", std::nullopt);
    const auto provider = make_openai_provider(spec);
    REQUIRE_FALSE(provider.has_value());
    CHECK(provider.error().str() ==
          "evalgate.yaml:7:5: environment variable EVALGATE_TEST_MY_KEY (api_key_env of provider 'gpt') is not set");
  }
  {
    ScopedEnv key("EVALGATE_TEST_MY_KEY", "");
    CHECK_FALSE(make_openai_provider(spec).has_value());
  }
}

TEST_CASE("openai without a model is a config error")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto spec = gpt_spec();
  spec.model.clear();
  const auto provider = make_openai_provider(spec);
  REQUIRE_FALSE(provider.has_value());
  CHECK(provider.error().str() == "evalgate.yaml:7:5: provider 'gpt' (type openai) needs 'model'");
}

TEST_CASE("a non-positive timeout is a config error")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto spec = gpt_spec();
  spec.timeout_ms = 0;
  const auto provider = make_openai_provider(spec);
  REQUIRE_FALSE(provider.has_value());
  CHECK(provider.error().str() ==
        "evalgate.yaml:7:5: provider 'gpt': timeout_ms must be a positive number of milliseconds, got 0");
}

TEST_CASE("params that are not a mapping are a config error")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto spec = gpt_spec();
  spec.params = Json::array({1, 2});
  const auto provider = make_openai_provider(spec);
  REQUIRE_FALSE(provider.has_value());
  CHECK(provider.error().str() ==
        "evalgate.yaml:7:5: provider 'gpt': 'params' must be a mapping (temperature, seed, max_tokens, ...)");
}

TEST_CASE("configuration errors never contain the key")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto spec = gpt_spec();
  spec.model.clear();
  const auto provider = make_openai_provider(spec);
  REQUIRE_FALSE(provider.has_value());
  CHECK(provider.error().str().find("sk-test") == std::string::npos);
}

TEST_CASE("an empty prompt cannot be encoded")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto provider = make_openai_provider(gpt_spec());
  REQUIRE(provider.has_value());
  const auto request = (*provider)->encode(chat({}));
  REQUIRE_FALSE(request.has_value());
  CHECK(request.error().message == "no messages to send: the rendered prompt is empty");
}

TEST_CASE("invalid UTF-8 in a rendered prompt is replaced instead of failing the call")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto provider = make_openai_provider(gpt_spec());
  REQUIRE(provider.has_value());
  const auto request = (*provider)->encode(chat({{"user", "caf\xE9"}}));
  REQUIRE(request.has_value());
  CHECK(request->body.find("caf\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("openai decodes the answer text and token usage")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto provider = make_openai_provider(gpt_spec());
  REQUIRE(provider.has_value());
  const auto completion = (*provider)->decode(ok(read_fixture("openai_chat_ok.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text == "Refunds are issued within 5 business days.");
  CHECK(completion->usage.prompt_tokens == 42);
  CHECK(completion->usage.completion_tokens == 9);
  CHECK(completion->usage.total_tokens == 51);
}

TEST_CASE("a null message content decodes as an empty answer")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto provider = make_openai_provider(gpt_spec());
  REQUIRE(provider.has_value());
  const auto completion = (*provider)->decode(ok(read_fixture("openai_chat_null_content.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text.empty());
  CHECK(completion->usage.total_tokens == 42);
}

TEST_CASE("a response without usage decodes with zero tokens")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto provider = make_openai_provider(gpt_spec());
  REQUIRE(provider.has_value());
  const auto completion = (*provider)->decode(ok(read_fixture("openai_chat_no_usage.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text == "hello from a local server");
  CHECK(completion->usage.total_tokens == 0);
}

TEST_CASE("malformed or wrongly shaped bodies fail to decode with a reason")
{
  ScopedEnv key("OPENAI_API_KEY", "sk-test-0123456789abcdef");
  auto provider = make_openai_provider(gpt_spec());
  REQUIRE(provider.has_value());
  const std::string truncated = read_fixture("openai_chat_truncated.json");
  auto completion = (*provider)->decode(ok(truncated));
  REQUIRE_FALSE(completion.has_value());
  CHECK(completion.error().message ==
        "malformed response: body is not JSON (" + std::to_string(truncated.size()) + " bytes)");

  completion = (*provider)->decode(ok(R"({"choices":[]})"));
  REQUIRE_FALSE(completion.has_value());
  CHECK(completion.error().message == "malformed response: expected a non-empty 'choices' array");

  completion = (*provider)->decode(ok(R"({"choices":[{"index":0}]})"));
  REQUIRE_FALSE(completion.has_value());
  CHECK(completion.error().message == "malformed response: choices[0] has no 'message' object");

  completion = (*provider)->decode(ok(R"({"error":{"message":"upstream overloaded"}})"));
  REQUIRE_FALSE(completion.has_value());
  CHECK(completion.error().message == "error in a 200 response: upstream overloaded");
}
