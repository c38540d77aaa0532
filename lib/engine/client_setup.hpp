#pragma once
// engine/client_setup: the run-wide services every ModelClient of a run gets, candidates and judges
// alike: the response cache (a caching transport per provider over the run database's cache table,
// unless --cache off) and pricing (a PricedClient feeding one SpendMeter, read by --max-cost).
// Used from the runner's thread only; the clients it makes are as thread-safe as the provider
// layer's. The builder must outlive every client it made and their calls.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "providers/model_client.hpp"
#include "providers/priced_client.hpp"
#include "providers/pricing.hpp"
#include "providers/response_cache.hpp"
#include "providers/transport.hpp"

namespace evalgate {

class CacheTable;

// Reads `pricing_file` (empty = none): errors name the file.
Result<std::optional<PriceTable>> load_user_pricing(const std::string& pricing_file);

class ClientBuilder {
public:
  // Opens the cache table in `db_path` unless `mode` is off, and reads the user price file.
  static Result<std::unique_ptr<ClientBuilder>> open(const std::string& db_path, CacheMode mode,
                                                     const std::string& pricing_file, Transport& transport);
  ~ClientBuilder();
  ClientBuilder(const ClientBuilder&) = delete;
  ClientBuilder& operator=(const ClientBuilder&) = delete;

  // The provider layer's client for `spec`, cached and priced. Errors: config (spec.location).
  // In replay mode a missing API key is no error: the key variable is swapped for a placeholder,
  // because no request can leave and keys never enter cache keys (key-less CI from a cassette).
  Result<std::unique_ptr<ModelClient>> make(const ProviderSpec& spec);

  const SpendMeter& spend() const { return m_spend; }
  // Commits queued cache entries; call after every call has finished.
  Result<void> finish();

private:
  ClientBuilder(Transport& transport, CacheMode mode);

  class Backend;
  Transport& m_transport;
  CacheMode m_mode;
  std::optional<PriceTable> m_user_prices;
  std::unique_ptr<CacheTable> m_table;
  std::unique_ptr<Backend> m_backend;
  std::vector<std::unique_ptr<Transport>> m_cache_transports;
  SpendMeter m_spend;
};

} // namespace evalgate
