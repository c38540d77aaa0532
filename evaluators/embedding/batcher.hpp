#pragma once
// evaluators/embedding/batcher: coalesces the embedding requests of concurrent evaluate() calls
// into few ModelClient::embed calls, and memoises vectors so a text (a shared reference, the
// suite's question) is embedded once per run.
//
// How a batch forms: the first caller to add a text to an empty pending batch leads it. Texts of
// other callers join the pending batch. The batch is sent when it reaches `max_batch` texts (by
// whichever caller filled it) or when the leader's `window` has passed. A text already cached is
// answered at once; a text already pending or in flight is shared, never sent twice. Failed texts
// are not cached, so a later request tries again. Cache: least recently used, `cache_capacity`
// vectors.
//
// Threads: embed() may be called from any number of threads and blocks its caller. ModelClient's
// done callback may run on the transport's I/O thread; it only stores vectors and wakes waiters.
// The client must outlive the batcher. Owned through shared_ptr by the evaluators that use it.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "evaluators/embedding/embedder.hpp"
#include "providers/model_client.hpp"

namespace evalgate {

struct BatcherOptions {
  std::size_t max_batch = 64;          // texts per embed() call
  std::chrono::milliseconds window{5}; // how long a leader waits for company
  std::size_t cache_capacity = 4096;   // vectors kept (LRU)
};

class EmbeddingBatcher final : public TextEmbedder {
public:
  EmbeddingBatcher(ModelClient& client, std::string provider_id, BatcherOptions options = {});

  EmbedOutcome embed(const std::vector<std::string>& texts) const override;
  bool calls_model() const override { return true; }
  const std::string& name() const override { return m_provider_id; }

private:
  struct Item {
    EmbeddingVector vector;
    std::string error;
    double cost_share = 0;
    bool cost_unknown = false;
  };
  struct Batch {
    std::uint64_t generation = 0;
    std::vector<std::string> texts;
    std::vector<std::promise<Item>> promises;
  };
  using CacheList = std::list<std::pair<std::string, EmbeddingVector>>;

  std::shared_ptr<Batch> take_pending() const;   // m_mutex held
  void send(std::shared_ptr<Batch> batch) const; // m_mutex NOT held
  void deliver(Batch& batch, EmbedResult result) const;
  EmbeddingVector cached(const std::string& text) const;                // m_mutex held; refreshes recency
  void remember(const std::string& text, EmbeddingVector vector) const; // m_mutex held

  ModelClient& m_client;
  std::string m_provider_id;
  BatcherOptions m_options;

  mutable std::mutex m_mutex;
  mutable std::condition_variable m_batch_taken;
  mutable std::shared_ptr<Batch> m_pending;
  mutable std::uint64_t m_generation = 0;
  mutable std::unordered_map<std::string, std::shared_future<Item>> m_in_flight;
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
