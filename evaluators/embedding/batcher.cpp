#include "evaluators/embedding/batcher.hpp"

#include <atomic>
#include <exception>
#include <utility>

namespace evalgate {

EmbeddingBatcher::EmbeddingBatcher(ModelClient& client, std::string provider_id, BatcherOptions options)
    : m_client(client), m_provider_id(std::move(provider_id)), m_options(options)
{
  if (m_options.max_batch == 0) {
    m_options.max_batch = 1;
  }
}

EmbeddingVector EmbeddingBatcher::cached(const std::string& text) const
{
  auto found = m_cache.find(text);
  if (found == m_cache.end()) {
    return nullptr;
  }
  m_lru.splice(m_lru.begin(), m_lru, found->second);
  return found->second->second;
}

void EmbeddingBatcher::remember(const std::string& text, EmbeddingVector vector) const
{
  if (m_options.cache_capacity == 0 || m_cache.count(text) != 0) {
    return;
  }
  m_lru.emplace_front(text, std::move(vector));
  m_cache[text] = m_lru.begin();
  if (m_cache.size() > m_options.cache_capacity) {
    m_cache.erase(m_lru.back().first);
    m_lru.pop_back();
  }
}

std::shared_ptr<EmbeddingBatcher::Batch> EmbeddingBatcher::take_pending() const
{
  auto batch = std::move(m_pending);
  m_pending.reset();
  m_batch_taken.notify_all();
  return batch;
}

EmbedOutcome EmbeddingBatcher::embed(const std::vector<std::string>& texts) const
{
  std::vector<EmbeddingVector> hits(texts.size());
  std::vector<std::shared_future<Item>> waits(texts.size());
  std::vector<std::shared_ptr<Batch>> full;
  std::uint64_t led = 0;
  {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if ((hits[i] = cached(texts[i])) != nullptr) {
        continue;
      }
      if (auto in_flight = m_in_flight.find(texts[i]); in_flight != m_in_flight.end()) {
        waits[i] = in_flight->second;
        continue;
      }
      if (m_pending == nullptr) {
        m_pending = std::make_shared<Batch>();
        m_pending->generation = ++m_generation;
        led = m_pending->generation;
      }
      m_pending->texts.push_back(texts[i]);
      waits[i] = m_pending->promises.emplace_back().get_future().share();
      m_in_flight.emplace(texts[i], waits[i]);
      if (m_pending->texts.size() >= m_options.max_batch) {
        full.push_back(take_pending());
      }
    }
  }
  // Full batches go at once; only the batch this caller leads waits out the window.
  for (auto& batch : full) {
    send(std::move(batch));
  }
  if (led != 0) {
    std::shared_ptr<Batch> mine;
    {
      std::unique_lock lock(m_mutex);
      auto still_mine = [&] { return m_pending != nullptr && m_pending->generation == led; };
      m_batch_taken.wait_for(lock, m_options.window, [&] { return !still_mine(); });
      if (still_mine()) {
        mine = take_pending();
      }
    }
    if (mine != nullptr) {
      send(std::move(mine));
    }
  }

  EmbedOutcome outcome;
  outcome.vectors.resize(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (hits[i] != nullptr) {
      outcome.vectors[i] = std::move(hits[i]);
      continue;
    }
    const Item& item = waits[i].get();
    if (!item.error.empty()) {
      outcome.vectors.clear();
      outcome.error = item.error;
      return outcome;
    }
    outcome.vectors[i] = item.vector;
    outcome.cost_usd += item.cost_share;
    outcome.cost_unknown = outcome.cost_unknown || item.cost_unknown;
  }
  return outcome;
}

void EmbeddingBatcher::send(std::shared_ptr<Batch> batch) const
{
  // The batch is kept alive by the callback, which may run on the I/O thread after embed() returned.
  // A client that throws instead of answering must still release the waiters, exactly once.
  auto delivered = std::make_shared<std::atomic<bool>>(false);
  try {
    m_client.embed(batch->texts, [this, batch, delivered](EmbedResult result) {
      if (!delivered->exchange(true)) {
        deliver(*batch, std::move(result));
      }
    });
  } catch (const std::exception& e) {
    if (!delivered->exchange(true)) {
      EmbedResult result;
      result.failure = FailureKind::network;
      result.error = e.what();
      deliver(*batch, std::move(result));
    }
  }
}

void EmbeddingBatcher::deliver(Batch& batch, EmbedResult result) const
{
  const std::size_t count = batch.texts.size();
  std::string error;
  if (result.failure != FailureKind::none || !result.error.empty()) {
    error = "embedding provider '" + m_provider_id + "' failed: " +
            (result.error.empty() ? std::string(failure_kind_name(result.failure)) : result.error);
  } else if (result.vectors.size() != count) {
    error = "embedding provider '" + m_provider_id + "' returned " + std::to_string(result.vectors.size()) +
            " vectors for " + std::to_string(count) + " texts";
  }
  std::vector<Item> items(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!error.empty()) {
      items[i].error = error;
      continue;
    }
    const auto& values = result.vectors[i];
    auto row = std::make_shared<EmbeddingRow>(static_cast<Eigen::Index>(values.size()));
    for (std::size_t j = 0; j < values.size(); ++j) {
      (*row)(static_cast<Eigen::Index>(j)) = values[j];
    }
    items[i].vector = std::move(row);
    items[i].cost_share = result.cost_usd ? *result.cost_usd / static_cast<double>(count) : 0.0;
    items[i].cost_unknown = !result.cost_usd.has_value();
  }
  {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < count; ++i) {
      m_in_flight.erase(batch.texts[i]);
      if (items[i].vector != nullptr) {
        remember(batch.texts[i], items[i].vector);
      }
    }
  }
  // Nothing of `this` is touched after the first waiter wakes: it may be the last user of the batcher.
  for (std::size_t i = 0; i < count; ++i) {
    batch.promises[i].set_value(std::move(items[i]));
  }
}

std::shared_ptr<EmbeddingBatcher> EmbeddingBatchers::get(const std::string& provider_id, ModelClient& client)
{
  std::lock_guard lock(m_mutex);
  auto& slot = m_batchers[provider_id];
  if (slot == nullptr) {
    slot = std::make_shared<EmbeddingBatcher>(client, provider_id, m_options);
  }
  return slot;
}

} // namespace evalgate
