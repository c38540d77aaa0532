#include <doctest/doctest.h>

#include "fixtures.hpp"
#include "providers/http_app_provider.hpp"
#include "scoped_env.hpp"
#include "wire_helpers.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

ProviderSpec app_spec(Json options)
{
  auto spec = wire_spec("http", "");
  spec.id = "app";
  spec.options = std::move(options);
  return spec;
}

std::shared_ptr<const Provider> app(const ProviderSpec& spec)
{
  auto provider = make_http_app_provider(spec);
  REQUIRE_MESSAGE(provider.has_value(), (provider ? "" : provider.error().str()));
  return *provider;
}

std::string app_error(const Json& options)
{
  auto provider = make_http_app_provider(app_spec(options));
  REQUIRE_FALSE(provider.has_value());
  CHECK(provider.error().category == ErrorCategory::config);
  return provider.error().str();
}

} // namespace

TEST_CASE("http renders the body template from the case vars and the prompt, keeping whole-placeholder types")
{
  ScopedEnv token("EVALGATE_TEST_APP_TOKEN", "app-token-0123456789");
  const auto provider = app(app_spec(
      {{"url", "http://127.0.0.1:8080/ask"},
       {"headers", {{"Authorization", "Bearer ${EVALGATE_TEST_APP_TOKEN}"}, {"X-Tenant", "{{tenant}}"}}},
       {"body",
        {{"question", "{{question}}"},
         {"k", "{{top_k}}"},
         {"note", "k={{top_k}} for {{tenant}}"},
         {"prompt", "{{prompt}}"},
         {"filters", {{"tags", "{{tags}}"}}},
         {"fixed", 1}}}}));
  const Json vars = {{"question", "Refunds?"}, {"top_k", 3}, {"tenant", "acme"}, {"tags", {"billing", "eu"}}};
  const auto request =
      provider->encode(wire_input({{"system", "Be brief."}, {"user", "Q: Refunds?"}}, &vars));
  REQUIRE_MESSAGE(request.has_value(), (request ? "" : request.error().message));
  CHECK(request->method == "POST");
  CHECK(request->url == "http://127.0.0.1:8080/ask");
  CHECK(header_of(*request, "Authorization") == "Bearer app-token-0123456789");
  CHECK(header_of(*request, "X-Tenant") == "acme");
  CHECK(header_of(*request, "Content-Type") == "application/json");
  CHECK(Json::parse(request->body) == Json{{"question", "Refunds?"},
                                           {"k", 3},
                                           {"note", "k=3 for acme"},
                                           {"prompt", "Be brief.\n\nQ: Refunds?"},
                                           {"filters", {{"tags", {"billing", "eu"}}}},
                                           {"fixed", 1}});
  const auto secrets = provider->secrets();
  CHECK(secrets == std::vector<std::string>{"app-token-0123456789"});
}

TEST_CASE("http without a body sends the prompt; GET renders percent-encoded vars into the URL")
{
  const Json vars = {{"q", "refund policy & fees"}};
  const auto post =
      app(app_spec({{"url", "https://app.example/api"}}))->encode(wire_input({{"user", "hi"}}, &vars));
  REQUIRE(post.has_value());
  CHECK(post->body == R"({"prompt":"hi"})");
  const auto get = app(app_spec({{"url", "https://app.example/search?q={{q}}"}, {"method", "get"}}))
                       ->encode(wire_input({{"user", "hi"}}, &vars));
  REQUIRE(get.has_value());
  CHECK(get->method == "GET");
  CHECK(get->url == "https://app.example/search?q=refund%20policy%20%26%20fees");
  CHECK(get->body.empty());
  CHECK_FALSE(header_of(*get, "Content-Type").has_value());
}

TEST_CASE("http reads the output at a dotted path, array indexes included, or the whole body")
{
  const std::string body = read_fixture("http_app_answer.json");
  CHECK(app(app_spec({{"url", "http://x/a"}, {"output", "data.answer"}}))->decode(ok_response(body))->text ==
        "Refunds take 5 business days.");
  CHECK(app(app_spec({{"url", "http://x/a"}, {"output", "choices.0.message.content"}}))
            ->decode(ok_response(body))
            ->text == "from choices");
  CHECK(
      app(app_spec({{"url", "http://x/a"}, {"output", "data.sources.0"}}))->decode(ok_response(body))->text ==
      R"({"id":"kb-12","score":0.91})");
  CHECK(app(app_spec({{"url", "http://x/a"}}))->decode(ok_response("plain text answer"))->text ==
        "plain text answer");
  const auto missing =
      app(app_spec({{"url", "http://x/a"}, {"output", "data.reply"}}))->decode(ok_response(body));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message == "response has no 'data.reply' for output path 'data.reply'");
  const auto huge_index = app(app_spec({{"url", "http://x/a"}, {"output", "choices.99999999999999999999"}}))
                              ->decode(ok_response(body));
  REQUIRE_FALSE(huge_index.has_value());
  CHECK(huge_index.error().message ==
        "response has no 'choices.99999999999999999999' for output path 'choices.99999999999999999999'");
}

TEST_CASE("http reports a case missing a template variable when the request is built")
{
  const Json vars = {{"other", 1}};
  const auto request = app(app_spec({{"url", "http://x/a"}, {"body", {{"q", "{{question}}"}}}}))
                           ->encode(wire_input({{"user", "hi"}}, &vars));
  REQUIRE_FALSE(request.has_value());
  CHECK(request.error().message == "body.q: missing variable 'question'");
}

TEST_CASE("http configuration errors name the provider and the option")
{
  CHECK(app_error(Json::object()) == "evalgate.yaml:9:5: provider 'app' (type http) needs 'url' (the address "
                                     "of your application's endpoint)");
  CHECK(app_error({{"url", "ftp://x"}}) ==
        "evalgate.yaml:9:5: provider 'app': 'url' must start with http:// or https://, got 'ftp://x'");
  CHECK(app_error({{"url", "http://x"}, {"method", "DELETE"}}) ==
        "evalgate.yaml:9:5: provider 'app': 'method' must be one of GET, POST, PUT, PATCH, got 'DELETE'");
  CHECK(app_error({{"url", "http://x"}, {"method", "GET"}, {"body", {{"a", 1}}}}) ==
        "evalgate.yaml:9:5: provider 'app': a GET request has no 'body'; use {{vars}} in 'url' or set "
        "'method: POST'");
  CHECK(app_error({{"url", "http://x"}, {"output", "data..answer"}}) ==
        "evalgate.yaml:9:5: provider 'app': 'output' must be a dotted path like data.answer or "
        "choices.0.message.content, got 'data..answer'");
  CHECK(app_error({{"url", "http://x"}, {"stream", true}}) ==
        "evalgate.yaml:9:5: provider 'app': type http does not stream; remove 'stream: true'");
  CHECK(app_error({{"url", 5}}) == "evalgate.yaml:9:5: provider 'app': 'url' must be a string, got 5");
  auto spec = app_spec({{"url", "http://x"}});
  spec.api_key_env = "MY_KEY";
  auto provider = make_http_app_provider(spec);
  REQUIRE_FALSE(provider.has_value());
  CHECK(provider.error().str() ==
        "evalgate.yaml:9:5: provider 'app': type http takes no api_key_env; send the key "
        "as a header instead (headers: {Authorization: \"Bearer ${MY_KEY}\"})");
}
