#pragma once
// evaluators/embedding/batcher: coalesces the embedding requests of concurrent evaluate() calls
// into few ModelClient::embed calls, and memoises vectors so a text (a shared reference, the
// suite's question) is embedded once per run.
//
// How a batch forms: the first request to add a text to an empty pending batch opens it, with a
// deadline `window` later. Texts of other requests join the pending batch. The batch is sent when it
// reaches `max_batch` texts (by whichever request filled it) or at its deadline: by a timer of the
// transport's I/O loop when the batch was opened on that thread (a trial scored where its answer
// landed) and the batcher is owned by a shared_ptr, so neither a thread nor a wake-up is spent on
// the window; otherwise by the batcher's timer thread (started on first use). A text already cached
// is answered at once; a text already pending or in flight is shared, never sent twice. Failed texts
// are not cached, so a later request tries again. Cache: least recently used, `cache_capacity`
// vectors.
//
// Threads: embed() and embed_async() may be called from any number of threads; embed() blocks its
// caller, embed_async() never does: its `done` runs where the last of its texts is answered — the
// transport's I/O thread, the timer thread, or the caller when every text was cached. A batch left
// pending when the last owner lets go is never sent (its requests are never answered): the engine
// lets go only once every trial is scored. ModelClient's
// done callback only stores vectors and runs those `done`s. The client must outlive the batcher.
// Owned through shared_ptr by the evaluators that use it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "evaluators/embedding/embedder.hpp"
#include "providers/model_client.hpp"

namespace evalgate {

struct BatcherOptions {
  std::size_t max_batch = 64;          // texts per embed() call
  // How long a leader waits for company. The wait is on the trial's critical path (its judge call
  // starts at the same moment and takes one round trip): at 5 ms a 50 ms mock made every trial of
  // the promptfoo comparison 5% slower; texts of one wave of answers still arrive within 1 ms.
  std::chrono::milliseconds window{1};
  std::size_t cache_capacity = 4096;   // vectors kept (LRU)
};

class EmbeddingBatcher final : public TextEmbedder, public std::enable_shared_from_this<EmbeddingBatcher> {
public:
  EmbeddingBatcher(ModelClient& client, std::string provider_id, BatcherOptions options = {});

  ~EmbeddingBatcher() override;
  EmbeddingBatcher(const EmbeddingBatcher&) = delete;
  EmbeddingBatcher& operator=(const EmbeddingBatcher&) = delete;

  EmbedOutcome embed(const std::vector<std::string>& texts) const override;
  void embed_async(const std::vector<std::string>& texts, EmbedOutcomeDone done) const override;
  bool calls_model() const override { return true; }
  const std::string& name() const override { return m_provider_id; }

private:
  struct Item {
    EmbeddingVector vector;
    std::string error;
    double cost_share = 0;
    bool cost_unknown = false;
  };
  // One embed_async() call: its texts' answers, and how many are still awaited.
  struct Request {
    std::vector<Item> items;
    std::atomic<std::size_t> remaining{0};
    EmbedOutcomeDone done;
  };
  struct Waiter {
    std::shared_ptr<Request> request;
    std::size_t index;
  };
  struct Batch {
    std::chrono::steady_clock::time_point deadline;
    std::uint64_t id = 0; // tells a loop timer whether its batch is still the pending one
    std::vector<std::string> texts;
  };
  using CacheList = std::list<std::pair<std::string, EmbeddingVector>>;

  std::unique_ptr<Batch> take_pending() const;   // m_mutex held
  void send(std::shared_ptr<Batch> batch) const; // m_mutex NOT held
  void deliver(const Batch& batch, EmbedResult result) const;
  static void answer(const Waiter& waiter, const Item& item);
  void run_timer() const;
  bool time_on_loop(const Batch& batch) const; // m_mutex held
  void send_if_pending(std::uint64_t id) const;
  EmbeddingVector cached(const std::string& text) const;                // m_mutex held; refreshes recency
  void remember(const std::string& text, EmbeddingVector vector) const; // m_mutex held

  ModelClient& m_client;
  std::string m_provider_id;
  BatcherOptions m_options;

  mutable std::mutex m_mutex;
  mutable std::condition_variable m_timer_wake;
  mutable std::unique_ptr<Batch> m_pending;
  mutable std::uint64_t m_batches = 0; // batches opened
  mutable bool m_timer_idle = false; // the timer thread waits with no deadline
  mutable bool m_stopping = false;
  mutable std::thread m_timer;
  // Texts pending or in flight, with every request waiting for each.
  mutable std::unordered_map<std::string, std::vector<Waiter>> m_in_flight;
  mutable CacheList m_lru; // most recent first
  mutable std::unordered_map<std::string, CacheList::iterator> m_cache;
};

// One batcher per embedding provider id for a whole run, so every evaluator naming the same judge
// shares its batches and cache. Thread-safe.
class EmbeddingBatchers {
public:
  explicit EmbeddingBatchers(BatcherOptions options = {}) : m_options(options) {}
  std::shared_ptr<EmbeddingBatcher> get(const std::string& provider_id, ModelClient& client);

private:
  BatcherOptions m_options;
  std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<EmbeddingBatcher>> m_batchers;
};

} // namespace evalgate
