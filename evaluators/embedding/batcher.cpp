#include "evaluators/embedding/batcher.hpp"

#include <atomic>
#include <exception>
#include <future>
#include <utility>

#include "providers/transport.hpp"

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

EmbeddingBatcher::~EmbeddingBatcher()
{
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_timer_wake.notify_all();
  if (m_timer.joinable()) {
    if (m_timer.get_id() == std::this_thread::get_id()) {
      m_timer.detach(); // the last owner let go inside a `done` the timer ran: it only leaves now
    } else {
      m_timer.join();
    }
  }
}

std::unique_ptr<EmbeddingBatcher::Batch> EmbeddingBatcher::take_pending() const
{
  return std::move(m_pending);
}

void EmbeddingBatcher::run_timer() const
{
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    if (m_pending == nullptr) {
      m_timer_idle = true;
      m_timer_wake.wait(lock);
      m_timer_idle = false;
      continue;
    }
    if (std::chrono::steady_clock::now() < m_pending->deadline) {
      // A batch filled and sent meanwhile leaves a later one here; the loop re-reads its deadline.
      m_timer_wake.wait_until(lock, m_pending->deadline);
      continue;
    }
    std::shared_ptr<Batch> due = take_pending();
    lock.unlock();
    send(std::move(due));
    lock.lock();
  }
}

bool EmbeddingBatcher::time_on_loop(const Batch& batch) const
{
  // The timer holds the batcher weakly: a batcher whose owners are gone sends nothing.
  std::weak_ptr<const EmbeddingBatcher> self = weak_from_this();
  if (self.expired()) {
    return false; // not owned by a shared_ptr (tests): the timer thread keeps the window
  }
  return run_on_loop_at(batch.deadline, [self, id = batch.id] {
    if (auto batcher = self.lock()) {
      batcher->send_if_pending(id);
    }
  });
}

void EmbeddingBatcher::send_if_pending(std::uint64_t id) const
{
  std::shared_ptr<Batch> due;
  {
    std::lock_guard lock(m_mutex);
    if (m_pending == nullptr || m_pending->id != id) {
      return; // sent already: filled up, or by the timer thread
    }
    due = take_pending();
  }
  send(std::move(due));
}

EmbedOutcome EmbeddingBatcher::embed(const std::vector<std::string>& texts) const
{
  std::promise<EmbedOutcome> answered;
  auto outcome = answered.get_future();
  embed_async(texts, [&answered](EmbedOutcome result) { answered.set_value(std::move(result)); });
  return outcome.get();
}

void EmbeddingBatcher::embed_async(const std::vector<std::string>& texts, EmbedOutcomeDone done) const
{
  auto request = std::make_shared<Request>();
  request->items.resize(texts.size());
  request->done = std::move(done);
  std::vector<std::shared_ptr<Batch>> full;
  std::size_t waiting = 0;
  {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if ((request->items[i].vector = cached(texts[i])) != nullptr) {
        continue;
      }
      ++waiting;
      if (auto in_flight = m_in_flight.find(texts[i]); in_flight != m_in_flight.end()) {
        in_flight->second.push_back(Waiter{request, i});
        continue;
      }
      if (m_pending == nullptr) {
        m_pending = std::make_unique<Batch>();
        m_pending->deadline = std::chrono::steady_clock::now() + m_options.window;
        m_pending->id = ++m_batches;
        if (time_on_loop(*m_pending)) {
          // The I/O loop sends it; a timer thread started earlier may too, whichever comes first.
        } else if (!m_timer.joinable()) {
          m_timer = std::thread([this] { run_timer(); });
        } else if (m_timer_idle) {
          m_timer_wake.notify_one();
        }
      }
      m_pending->texts.push_back(texts[i]);
      m_in_flight[texts[i]].push_back(Waiter{request, i});
      if (m_pending->texts.size() >= m_options.max_batch) {
        full.push_back(take_pending());
      }
    }
    // Set before any answer can arrive: answers take their waiters under m_mutex.
    request->remaining.store(waiting);
  }
  for (auto& batch : full) {
    send(std::move(batch));
  }
  if (waiting == 0) {
    answer(Waiter{request, texts.size()}, Item{});
  }
}

void EmbeddingBatcher::answer(const Waiter& waiter, const Item& item)
{
  Request& request = *waiter.request;
  if (waiter.index < request.items.size()) {
    request.items[waiter.index] = item;
    if (request.remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) {
      return;
    }
  }
  EmbedOutcome outcome;
  outcome.vectors.resize(request.items.size());
  for (std::size_t i = 0; i < request.items.size(); ++i) {
    Item& each = request.items[i];
    if (!each.error.empty()) {
      outcome.vectors.clear();
      outcome.error = std::move(each.error);
      break;
    }
    outcome.vectors[i] = std::move(each.vector);
    outcome.cost_usd += each.cost_share;
    outcome.cost_unknown = outcome.cost_unknown || each.cost_unknown;
  }
  request.done(std::move(outcome));
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

void EmbeddingBatcher::deliver(const Batch& batch, EmbedResult result) const
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
  std::vector<std::vector<Waiter>> waiters(count);
  {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < count; ++i) {
      if (auto found = m_in_flight.find(batch.texts[i]); found != m_in_flight.end()) {
        waiters[i] = std::move(found->second);
        m_in_flight.erase(found);
      }
      if (items[i].vector != nullptr) {
        remember(batch.texts[i], items[i].vector);
      }
    }
  }
  // Nothing of `this` is touched once the first request is answered: it may be the batcher's last user.
  for (std::size_t i = 0; i < count; ++i) {
    for (const Waiter& waiter : waiters[i]) {
      answer(waiter, items[i]);
    }
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
