#include "engine/client_setup.hpp"

#include <cstdlib>

#include "store/cache_table.hpp"

namespace evalgate {

namespace {

constexpr const char* k_replay_key_env = "EVALGATE_REPLAY_KEY";

} // namespace

class ClientBuilder::Backend final : public CacheBackend {
public:
  explicit Backend(CacheTable& table) : m_table(table) {}

  std::optional<std::string> lookup(const std::string& key) override { return m_table.lookup(key); }

  void store(std::string key, const std::string& provider, const std::string& model, std::string request_json,
             std::string response_json) override
  {
    m_table.put(
        CacheRow{std::move(key), provider, model, std::move(request_json), std::move(response_json), ""});
  }

private:
  CacheTable& m_table;
};

Result<std::optional<PriceTable>> load_user_pricing(const std::string& pricing_file)
{
  if (pricing_file.empty()) {
    return std::optional<PriceTable>{};
  }
  auto table = PriceTable::load_file(pricing_file);
  if (!table) {
    return fail(table.error());
  }
  return std::optional<PriceTable>(std::move(table).value());
}

ClientBuilder::ClientBuilder(Transport& transport, CacheMode mode) : m_transport(transport), m_mode(mode) {}

ClientBuilder::~ClientBuilder() = default;

Result<std::unique_ptr<ClientBuilder>> ClientBuilder::open(const std::string& db_path, CacheMode mode,
                                                           const std::string& pricing_file,
                                                           Transport& transport)
{
  std::unique_ptr<ClientBuilder> builder(new ClientBuilder(transport, mode));
  auto prices = load_user_pricing(pricing_file);
  if (!prices) {
    return fail(prices.error());
  }
  builder->m_user_prices = std::move(prices).value();
  if (mode != CacheMode::off) {
    auto table = CacheTable::open(db_path);
    if (!table) {
      return fail(table.error());
    }
    builder->m_table = std::move(table).value();
    builder->m_backend = std::make_unique<Backend>(*builder->m_table);
  }
  if (mode == CacheMode::replay) {
    // Set before any transfer starts (libcurl reads proxy variables per transfer).
    ::setenv(k_replay_key_env, "replay-mode-sends-no-request", 1);
  }
  return builder;
}

Result<std::unique_ptr<ModelClient>> ClientBuilder::make(const ProviderSpec& spec)
{
  auto price = price_for(spec, m_user_prices ? &*m_user_prices : nullptr);
  if (!price) {
    return fail(price.error());
  }
  Transport* transport = &m_transport;
  if (m_backend) {
    m_cache_transports.push_back(
        make_caching_transport(m_transport, *m_backend, m_mode, CacheScope{spec.type, spec.id, spec.model}));
    transport = m_cache_transports.back().get();
  }
  auto client = make_model_client(spec, *transport);
  if (!client && m_mode == CacheMode::replay) {
    ProviderSpec keyless = spec;
    keyless.api_key_env = k_replay_key_env;
    client = make_model_client(keyless, *transport);
  }
  if (!client) {
    return fail(client.error());
  }
  return make_priced_client(std::move(client).value(), *price, &m_spend);
}

Result<void> ClientBuilder::finish()
{
  return m_table ? m_table->flush() : Result<void>{};
}

} // namespace evalgate
