#pragma once
// providers/priced_client: a ModelClient decorator that puts a cost on every call (candidates,
// judges and embeddings alike) and adds it to the run's spend. Rules, in order:
//   - a call that sent no request (a response-cache hit, a `field` provider) costs 0: nothing was spent;
//   - a known price: cost_usd(price, usage), failed calls included (they usually report no usage);
//   - no known price: nullopt ("unknown", never 0).
// Thread safety: as the wrapped client; SpendMeter is safe to share between threads.

#include <atomic>
#include <memory>
#include <optional>

#include "providers/model_client.hpp"
#include "providers/pricing.hpp"

namespace evalgate {

// The run's known spend in USD, summed over every priced call (unknown costs add nothing).
class SpendMeter {
public:
  void add(double usd);
  double spent() const { return m_spent.load(); }

private:
  std::atomic<double> m_spent{0};
};

// `meter` may be null; when set it must outlive the client and its calls.
std::unique_ptr<ModelClient> make_priced_client(std::unique_ptr<ModelClient> inner,
                                                std::optional<ModelPrice> price, SpendMeter* meter);

} // namespace evalgate
