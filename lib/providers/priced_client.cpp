#include "providers/priced_client.hpp"

namespace evalgate {

void SpendMeter::add(double usd)
{
  double seen = m_spent.load();
  while (!m_spent.compare_exchange_weak(seen, seen + usd)) {
  }
}

namespace {

std::optional<double> call_cost(const std::optional<ModelPrice>& price, SpendMeter* meter, bool sent_nothing,
                                const Usage& usage)
{
  if (sent_nothing) {
    return 0.0;
  }
  if (!price) {
    return std::nullopt;
  }
  const double usd = cost_usd(*price, usage);
  if (meter != nullptr) {
    meter->add(usd);
  }
  return usd;
}

class PricedClient final : public ModelClient {
public:
  PricedClient(std::unique_ptr<ModelClient> inner, std::optional<ModelPrice> price, SpendMeter* meter)
      : m_inner(std::move(inner)), m_price(price), m_meter(meter)
  {
  }

  void complete(const CallInput& input, Done done) override
  {
    m_inner->complete(input, [price = m_price, meter = m_meter, done = std::move(done)](CallResult result) {
      const bool sent_nothing =
          result.cache_hit || (result.attempts == 0 && result.failure == FailureKind::none);
      result.cost_usd = call_cost(price, meter, sent_nothing, result.usage);
      done(std::move(result));
    });
  }

  void embed(const std::vector<std::string>& texts, EmbedDone done) override
  {
    m_inner->embed(texts, [price = m_price, meter = m_meter, done = std::move(done)](EmbedResult result) {
      const bool sent_nothing =
          result.cache_hit || (result.attempts == 0 && result.failure == FailureKind::none);
      result.cost_usd = call_cost(price, meter, sent_nothing, result.usage);
      done(std::move(result));
    });
  }

private:
  // Callbacks capture the price and the meter by value, so the client may go away mid-call.
  std::unique_ptr<ModelClient> m_inner;
  std::optional<ModelPrice> m_price;
  SpendMeter* m_meter;
};

} // namespace

std::unique_ptr<ModelClient> make_priced_client(std::unique_ptr<ModelClient> inner,
                                                std::optional<ModelPrice> price, SpendMeter* meter)
{
  return std::make_unique<PricedClient>(std::move(inner), price, meter);
}

} // namespace evalgate
