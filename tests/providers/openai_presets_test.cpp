#include <doctest/doctest.h>

#include "providers/openai_provider.hpp"
#include "scoped_env.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

TEST_CASE("each OpenAI-compatible preset posts to its default base URL")
{
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"vllm", "http://localhost:8000/v1/chat/completions"},
      {"llamacpp", "http://localhost:8080/v1/chat/completions"},
      {"lmstudio", "http://localhost:1234/v1/chat/completions"},
      {"openrouter", "https://openrouter.ai/api/v1/chat/completions"},
      {"together", "https://api.together.xyz/v1/chat/completions"},
      {"groq", "https://api.groq.com/openai/v1/chat/completions"},
      {"litellm", "http://localhost:4000/chat/completions"},
  };
  for (const auto& [type, url] : expected) {
    CAPTURE(type);
    const OpenAiPreset* preset = find_openai_preset(type);
    REQUIRE(preset != nullptr);
    ScopedEnv key(preset->key_env, "preset-key-0123456789");
    auto provider = make_openai_compatible_provider(wire_spec(type), *preset);
    REQUIRE(provider.has_value());
    const auto request = (*provider)->encode(wire_input({{"user", "hi"}}));
    REQUIRE(request.has_value());
    CHECK(request->url == url);
    CHECK(header_of(*request, "Authorization") == "Bearer preset-key-0123456789");
    CHECK(Json::parse(request->body)["model"] == "m-1");
  }
}

TEST_CASE("hosted presets need their key variable; local servers run without one")
{
  for (const char* type : {"openrouter", "together", "groq"}) {
    const OpenAiPreset* preset = find_openai_preset(type);
    REQUIRE(preset != nullptr);
    ScopedEnv key(preset->key_env, std::nullopt);
    const auto provider = make_openai_compatible_provider(wire_spec(type), *preset);
    REQUIRE_FALSE(provider.has_value());
    CHECK(provider.error().str() == std::string("evalgate.yaml:9:5: environment variable ") +
                                        preset->key_env +
                                        " is not set; provider 'p' needs it (or set api_key_env / base_url)");
  }
  for (const char* type : {"vllm", "llamacpp", "lmstudio", "litellm"}) {
    const OpenAiPreset* preset = find_openai_preset(type);
    REQUIRE(preset != nullptr);
    ScopedEnv key(preset->key_env, std::nullopt);
    const auto provider = make_openai_compatible_provider(wire_spec(type), *preset);
    REQUIRE(provider.has_value());
    const auto request = (*provider)->encode(wire_input({{"user", "hi"}}));
    REQUIRE(request.has_value());
    CHECK_FALSE(header_of(*request, "Authorization").has_value());
  }
}

TEST_CASE("a preset's base_url can be overridden and a preset needs a model")
{
  const OpenAiPreset* preset = find_openai_preset("vllm");
  REQUIRE(preset != nullptr);
  auto spec = wire_spec("vllm");
  spec.base_url = "http://gpu-box:9000/v1/";
  auto provider = make_openai_compatible_provider(spec, *preset);
  REQUIRE(provider.has_value());
  CHECK((*provider)->encode(wire_input({{"user", "hi"}}))->url == "http://gpu-box:9000/v1/chat/completions");
  spec.model.clear();
  CHECK(make_openai_compatible_provider(spec, *preset).error().str() ==
        "evalgate.yaml:9:5: provider 'p' (type vllm) needs 'model'");
}
