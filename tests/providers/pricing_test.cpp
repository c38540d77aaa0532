#include <doctest/doctest.h>

#include <fstream>

#include "providers/priced_client.hpp"
#include "providers/pricing.hpp"
#include "temp_dir.hpp"

using namespace evalgate;

namespace {

ProviderSpec spec_with(const std::string& model, Json pricing = nullptr)
{
  ProviderSpec spec;
  spec.id = "gpt";
  spec.type = "openai";
  spec.model = model;
  spec.location.file = "evalgate.yaml";
  spec.location.line = 7;
  spec.location.column = 5;
  if (!pricing.is_null()) {
    spec.options["pricing"] = std::move(pricing);
  }
  return spec;
}

// Answers every call with the usage it was built with, or a scripted result.
class UsageClient final : public ModelClient {
public:
  explicit UsageClient(CallResult result) : m_result(std::move(result)) {}
  void complete(const CallInput&, Done done) override { done(m_result); }

private:
  CallResult m_result;
};

CallResult answered(Usage usage, bool cache_hit = false)
{
  CallResult result;
  result.text = "ok";
  result.usage = usage;
  result.attempts = 1;
  result.cache_hit = cache_hit;
  return result;
}

std::optional<double> cost_of(std::unique_ptr<ModelClient> client)
{
  std::optional<double> cost = -1.0;
  client->complete(CallInput{}, [&](CallResult result) { cost = result.cost_usd; });
  return cost;
}

} // namespace

TEST_CASE("the shipped pricing table loads and prices the current OpenAI, Anthropic and Gemini models")
{
  const PriceTable& table = PriceTable::builtin();
  CHECK(table.size() >= 25);
  for (const char* model : {"gpt-4o-mini", "gpt-4.1", "gpt-5", "o4-mini", "text-embedding-3-small",
                            "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "gemini-2.5-flash",
                            "gemini-2.5-pro", "gemini-3-pro-preview", "gemini-embedding-001"}) {
    CAPTURE(model);
    CHECK(table.find(model).has_value());
  }
  const auto mini = table.find("gpt-4o-mini");
  REQUIRE(mini);
  CHECK(mini->input == doctest::Approx(0.15));
  CHECK(mini->output == doctest::Approx(0.6));
  CHECK(mini->cached_input == doctest::Approx(0.075));
}

TEST_CASE("dated snapshots and prefixed ids find their base model's price")
{
  const PriceTable& table = PriceTable::builtin();
  CHECK(table.find("gpt-4.1-mini-2025-04-14")->input == doctest::Approx(0.4));
  CHECK(table.find("claude-sonnet-4-5-20250929")->output == doctest::Approx(15.0));
  CHECK(table.find("models/gemini-2.5-flash")->input == doctest::Approx(0.3));
  CHECK(table.find("openai/gpt-4o")->input == doctest::Approx(2.5));
  CHECK_FALSE(table.find("northwind-support-v1").has_value());
  CHECK_FALSE(table.find("gpt-4o-minimal").has_value());
}

TEST_CASE(
    "cost is uncached prompt at the input rate, cached at the cached rate, completion at the output rate")
{
  const ModelPrice price{2.0, 8.0, 0.5};
  // 1000 prompt tokens of which 400 cached, 200 completion tokens.
  const double expected = (600 * 2.0 + 400 * 0.5 + 200 * 8.0) / 1e6;
  CHECK(cost_usd(price, Usage{1000, 200, 1200, 400}) == doctest::Approx(expected));
  // Cached tokens beyond the prompt are clamped, so a provider's odd report never bills negative input.
  CHECK(cost_usd(price, Usage{100, 0, 100, 500}) == doctest::Approx(100 * 0.5 / 1e6));
  CHECK(cost_usd(price, Usage{}) == 0.0);
}

TEST_CASE("a LiteLLM price file is read per token, skipping sample_spec and entries without token prices")
{
  const Json litellm = Json::parse(R"({
    "sample_spec": {"input_cost_per_token": 0, "output_cost_per_token": 0},
    "gemini/gemini-9-flash": {"input_cost_per_token": 3e-07, "output_cost_per_token": "2.5e-06",
                              "cache_read_input_token_cost": 7.5e-08, "mode": "chat"},
    "my-model": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
    "dall-e-9": {"input_cost_per_pixel": 1e-08, "output_cost_per_token": null}
  })");
  auto table = PriceTable::parse(litellm, "prices.json");
  REQUIRE(table);
  CHECK(table->size() == 2);
  const auto gemini = table->find("gemini-9-flash", "gemini");
  REQUIRE(gemini);
  CHECK(gemini->input == doctest::Approx(0.3));
  CHECK(gemini->output == doctest::Approx(2.5));
  CHECK(gemini->cached_input == doctest::Approx(0.075));
  // No cache-read price: cached tokens bill at the input rate.
  CHECK(table->find("my-model")->cached_input == doctest::Approx(1.0));
  CHECK_FALSE(table->find("sample_spec").has_value());
}

TEST_CASE("a price file in evalgate's format is checked entry by entry")
{
  auto bad = PriceTable::parse(Json::parse(R"({"models": {"m": {"input": -1, "output": 1}}})"), "p.json");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "p.json: models.m.input must be a number >= 0 (USD per 1M tokens)");
  auto missing = PriceTable::parse(Json::parse(R"({"models": {"m": {"input": 1}}})"), "p.json");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "p.json: models.m needs 'output' (USD per 1M tokens)");

  evalgate::testing::TempDir dir;
  const std::string path = dir.write(
      "prices.json", R"({"format": "evalgate-pricing/1", "models": {"house": {"input": 1, "output": 3}}})");
  auto loaded = PriceTable::load_file(path);
  REQUIRE(loaded);
  CHECK(loaded->find("house")->output == doctest::Approx(3.0));
  auto broken = PriceTable::load_file(dir.write("broken.json", "{"));
  REQUIRE_FALSE(broken);
  CHECK(broken.error().message == dir.file("broken.json") + ": not valid JSON");
}

TEST_CASE("a provider block's pricing option wins over the tables and is validated at the provider")
{
  auto own = price_for(spec_with("gpt-4o-mini", Json{{"input", 1.0}, {"output", 2.0}}), nullptr);
  REQUIRE(own);
  REQUIRE(own->has_value());
  CHECK((*own)->input == 1.0);
  CHECK((*own)->cached_input == 1.0);

  auto builtin = price_for(spec_with("gpt-4o-mini"), nullptr);
  REQUIRE(builtin);
  CHECK((*builtin)->input == doctest::Approx(0.15));

  PriceTable user =
      *PriceTable::parse(Json::parse(R"({"models": {"gpt-4o-mini": {"input": 9, "output": 9}}})"), "u");
  CHECK((*price_for(spec_with("gpt-4o-mini"), &user))->input == 9.0);

  auto unknown = price_for(spec_with("house-model"), &user);
  REQUIRE(unknown);
  CHECK_FALSE(unknown->has_value());

  auto bad = price_for(spec_with("gpt-4o-mini", Json{{"input", "cheap"}, {"output", 2.0}}), nullptr);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().category == ErrorCategory::config);
  CHECK(bad.error().str() ==
        "evalgate.yaml:7:5: provider 'gpt': pricing.input must be a number >= 0 (USD per 1M tokens)");
  auto typo = price_for(spec_with("gpt-4o-mini", Json{{"inptu", 1.0}, {"output", 2.0}}), nullptr);
  REQUIRE_FALSE(typo);
  CHECK(typo.error().message ==
        "provider 'gpt': pricing has an unknown key 'inptu' (expected input, output, cached_input)");
}

TEST_CASE(
    "the priced client costs known models, leaves unknown ones unknown and charges nothing for a cache hit")
{
  const ModelPrice price{1.0, 2.0, 0.5};
  const Usage usage{1000, 500, 1500, 0};
  SpendMeter meter;
  CHECK(*cost_of(make_priced_client(std::make_unique<UsageClient>(answered(usage)), price, &meter)) ==
        doctest::Approx(0.002));
  CHECK_FALSE(
      cost_of(make_priced_client(std::make_unique<UsageClient>(answered(usage)), std::nullopt, &meter))
          .has_value());
  CHECK(*cost_of(make_priced_client(std::make_unique<UsageClient>(answered(usage, true)), price, &meter)) ==
        0.0);
  CallResult field_output; // a provider that makes no call (type field)
  field_output.text = "recorded";
  CHECK(*cost_of(make_priced_client(std::make_unique<UsageClient>(field_output), std::nullopt, &meter)) ==
        0.0);
  CHECK(meter.spent() == doctest::Approx(0.002));
}
