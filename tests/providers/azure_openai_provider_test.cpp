#include <doctest/doctest.h>

#include "fixtures.hpp"
#include "providers/azure_openai_provider.hpp"
#include "providers/retry_policy.hpp"
#include "scoped_env.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

constexpr const char* k_key = "azure-key-0123456789abcdef";

ProviderSpec azure_spec()
{
  auto spec = wire_spec("azure-openai", "");
  spec.id = "az";
  spec.base_url = "https://contoso.openai.azure.com/";
  spec.options = {{"deployment", "gpt4o-prod"}, {"api_version", "2024-06-01"}};
  return spec;
}

} // namespace

TEST_CASE("azure-openai posts to the deployment URL with api-version and the api-key header")
{
  ScopedEnv key("AZURE_OPENAI_API_KEY", k_key);
  auto provider = make_azure_openai_provider(azure_spec());
  REQUIRE(provider.has_value());
  const auto request = (*provider)->encode(wire_input({{"system", "Be brief."}, {"user", "hi"}}));
  REQUIRE(request.has_value());
  CHECK(request->url == "https://contoso.openai.azure.com/openai/deployments/gpt4o-prod/chat/"
                        "completions?api-version=2024-06-01");
  CHECK(header_of(*request, "api-key") == k_key);
  CHECK_FALSE(header_of(*request, "Authorization").has_value());
  CHECK(request->url.find(k_key) == std::string::npos);
  // The deployment selects the model: no "model" in the body unless one is configured.
  CHECK(request->body ==
        R"({"messages":[{"content":"Be brief.","role":"system"},{"content":"hi","role":"user"}]})");
  const auto embed = (*provider)->encode_embed({"a"});
  REQUIRE(embed.has_value());
  CHECK(embed->url ==
        "https://contoso.openai.azure.com/openai/deployments/gpt4o-prod/embeddings?api-version=2024-06-01");
  CHECK(embed->body == R"({"input":["a"]})");
}

TEST_CASE("azure-openai defaults: deployment from model, endpoint from AZURE_OPENAI_ENDPOINT, the documented "
          "api-version")
{
  ScopedEnv key("AZURE_OPENAI_API_KEY", k_key);
  ScopedEnv endpoint("AZURE_OPENAI_ENDPOINT", "https://fabrikam.openai.azure.com");
  ScopedEnv version("OPENAI_API_VERSION", std::nullopt);
  auto spec = azure_spec();
  spec.base_url.clear();
  spec.options = Json::object();
  spec.model = "gpt-4o-mini";
  auto provider = make_azure_openai_provider(spec);
  REQUIRE(provider.has_value());
  const auto request = (*provider)->encode(wire_input({{"user", "hi"}}));
  REQUIRE(request.has_value());
  CHECK(request->url == std::string("https://fabrikam.openai.azure.com/openai/deployments/gpt-4o-mini/chat/"
                                    "completions?api-version=") +
                            k_azure_default_api_version);
  CHECK(Json::parse(request->body)["model"] == "gpt-4o-mini");
}

TEST_CASE("azure-openai configuration errors name the provider and what is missing")
{
  ScopedEnv endpoint("AZURE_OPENAI_ENDPOINT", std::nullopt);
  {
    ScopedEnv key("AZURE_OPENAI_API_KEY", std::nullopt);
    CHECK(make_azure_openai_provider(azure_spec()).error().str() ==
          "evalgate.yaml:9:5: environment variable AZURE_OPENAI_API_KEY is not set; provider 'az' needs it "
          "(or set "
          "api_key_env / base_url)");
  }
  ScopedEnv key("AZURE_OPENAI_API_KEY", k_key);
  auto spec = azure_spec();
  spec.base_url.clear();
  CHECK(make_azure_openai_provider(spec).error().str() ==
        "evalgate.yaml:9:5: provider 'az' (type azure-openai) needs 'base_url' "
        "(https://RESOURCE.openai.azure.com) "
        "or AZURE_OPENAI_ENDPOINT");
  spec = azure_spec();
  spec.options = Json::object();
  CHECK(make_azure_openai_provider(spec).error().str() ==
        "evalgate.yaml:9:5: provider 'az' (type azure-openai) needs 'deployment' (or 'model')");
  spec.options = {{"deployment", "a/b"}};
  CHECK(make_azure_openai_provider(spec).error().str() ==
        "evalgate.yaml:9:5: provider 'az': 'deployment' may not contain '/', '?', '#', '&', '=' or spaces, "
        "got 'a/b'");
  spec.options = {{"deployment", 5}};
  CHECK(make_azure_openai_provider(spec).error().str() ==
        "evalgate.yaml:9:5: provider 'az': 'deployment' must be a string, got 5");
}

TEST_CASE(
    "azure-openai decodes like openai and its content-filter error body reads as the provider's message")
{
  ScopedEnv key("AZURE_OPENAI_API_KEY", k_key);
  auto provider = make_azure_openai_provider(azure_spec());
  REQUIRE(provider.has_value());
  const auto completion = (*provider)->decode(ok_response(read_fixture("openai_chat_ok.json")));
  REQUIRE(completion.has_value());
  CHECK(completion->text == "Refunds are issued within 5 business days.");
  CHECK(completion->raw["finish_reason"] == "stop");
  HttpResponse filtered;
  filtered.status = 400;
  filtered.body = read_fixture("azure_error_content_filter.json");
  const auto decision = classify_response(filtered);
  CHECK(decision.failure == FailureKind::http_4xx);
  CHECK_FALSE(decision.retryable);
  CHECK(decision.message ==
        "HTTP 400: The response was filtered due to the prompt triggering Azure OpenAI's content "
        "management policy.");
}
