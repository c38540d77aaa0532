#include "store/cache_table.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "store/cache_key_hash.hpp"
#include "store/key_filter.hpp"
#include "store/run_id.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace evalgate {

namespace {

// Rows are committed in batches: a commit per row (one per response at 0 ms latency) cost a WAL
// write, file locks and a writer wake-up each. A batch waits at most k_batch_interval. Each commit
// here also empties the trial writer's page cache (and its next commit empties ours), so commits
// are rare: at 64 rows / 100 ms a 0 ms run made ~110 a second and re-read ~2 pages per request.
constexpr std::size_t k_batch_rows = 1024;
constexpr auto k_batch_interval = std::chrono::milliseconds(1000);

// Rows are identified by the hash of their key (schema v4): a hash taken by another key is
// overwritten, key included.
constexpr const char* k_upsert =
    "INSERT INTO cache (key, provider, model, request, response, created_at, key_hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (key_hash) DO UPDATE SET key = excluded.key, provider = excluded.provider, "
    "model = excluded.model, request = excluded.request, response = excluded.response, "
    "created_at = excluded.created_at";

Result<void> write_rows(sqlite::Db& db, sqlite::Stmt& upsert, const std::vector<CacheRow>& rows)
{
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) {
    return fail(tx.error());
  }
  const std::string now = iso8601_utc_now();
  for (const CacheRow& row : rows) {
    // The rows outlive the statement's run(): bound without copying the texts.
    upsert.bind_text_ref(1, row.key)
        .bind_text_ref(2, row.provider)
        .bind_text_ref(3, row.model)
        .bind_text_ref(4, row.request)
        .bind_text_ref(5, row.response)
        .bind_text_ref(6, row.created_at.empty() ? now : row.created_at)
        .bind_int(7, cache_key_hash(row.key));
    if (auto done = upsert.run(); !done) {
      upsert.reset();
      return done;
    }
  }
  return tx->commit();
}

// The filter holds the same 64 bits as the key_hash column, so open() reads them from the
// column's index alone instead of every row's key text.
std::uint64_t fingerprint(std::string_view key)
{
  return static_cast<std::uint64_t>(cache_key_hash(key));
}

} // namespace

struct CacheTable::Impl {
  // A Bloom filter over the keys present when the table was opened and every key written through
  // it since: a key it does not hold is a miss without a database read. A lookup was one read
  // transaction (a file lock and ~3 page reads from the WAL) per request, ~20 us at 0 ms latency,
  // and on a fresh cache every lookup misses. Fixed size, so a run's memory does not grow with its
  // requests (a set of fingerprints took ~40 bytes per request); a false positive costs one read.
  // Rows another process commits after open are missed: an extra call, never a wrong answer.
  std::mutex filter_mutex;
  KeyFilter filter;

  bool may_hold(std::string_view key)
  {
    const std::uint64_t print = fingerprint(key);
    std::lock_guard lock(filter_mutex);
    return filter.may_hold(print);
  }
  void note(std::string_view key)
  {
    const std::uint64_t print = fingerprint(key);
    std::lock_guard lock(filter_mutex);
    filter.add(print);
  }

  std::mutex read_mutex;
  sqlite::Db reader;
  sqlite::Stmt select;
  std::atomic<std::int64_t> read_errors{0};

  sqlite::Db writer; // the writer thread's; maintenance calls use it when the queue is idle
  sqlite::Stmt upsert;
  std::mutex mutex; // guards the queue state below
  std::condition_variable wake;
  std::condition_variable drained;
  std::deque<CacheRow> queue;
  std::size_t writing = 0;
  int flushing = 0; // flush() callers waiting: write what is queued at once
  bool stopping = false;
  std::optional<Error> write_error;
  std::thread thread;

  void run()
  {
    std::unique_lock lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) {
        return;
      }
      wake.wait_for(lock, k_batch_interval,
                    [&] { return stopping || flushing > 0 || queue.size() >= k_batch_rows; });
      std::vector<CacheRow> batch(std::make_move_iterator(queue.begin()),
                                  std::make_move_iterator(queue.end()));
      queue.clear();
      writing = batch.size();
      lock.unlock();
      auto written = write_rows(writer, upsert, batch);
      lock.lock();
      writing = 0;
      if (!written && !write_error) {
        write_error = written.error();
      }
      drained.notify_all();
    }
  }
};

CacheTable::CacheTable() : m_impl(std::make_unique<Impl>()) {}

CacheTable::~CacheTable()
{
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->stopping = true;
  }
  m_impl->wake.notify_all();
  if (m_impl->thread.joinable()) {
    m_impl->thread.join();
  }
}

Result<std::unique_ptr<CacheTable>> CacheTable::open(const std::string& db_path)
{
  auto writer = sqlite::Db::open(db_path);
  if (!writer) {
    return fail(writer.error());
  }
  if (auto migrated = schema::migrate(*writer); !migrated) {
    return fail(migrated.error());
  }
  auto reader = sqlite::Db::open(db_path);
  if (!reader) {
    return fail(reader.error());
  }
  std::unique_ptr<CacheTable> table(new CacheTable());
  Impl& impl = *table->m_impl;
  impl.writer = std::move(*writer);
  impl.reader = std::move(*reader);
  // The hash finds the row by its index; the key check makes a hash shared with another key a miss.
  auto select = impl.reader.prepare("SELECT response FROM cache WHERE key_hash = ?1 AND key = ?2");
  if (!select) {
    return fail(select.error());
  }
  impl.select = std::move(*select);
  auto keys = impl.reader.prepare("SELECT key_hash FROM cache");
  if (!keys) {
    return fail(keys.error());
  }
  for (;;) {
    auto row = keys->step();
    if (!row) {
      return fail(row.error());
    }
    if (!*row) {
      break;
    }
    impl.filter.add(static_cast<std::uint64_t>(keys->integer(0)));
  }
  auto upsert = impl.writer.prepare(k_upsert);
  if (!upsert) {
    return fail(upsert.error());
  }
  impl.upsert = std::move(*upsert);
  impl.thread = std::thread([&impl] { impl.run(); });
  return table;
}

std::optional<std::string> CacheTable::lookup(const std::string& key)
{
  if (!m_impl->may_hold(key)) {
    return std::nullopt;
  }
  std::lock_guard lock(m_impl->read_mutex);
  sqlite::Stmt& select = m_impl->select;
  select.bind_int(1, cache_key_hash(key)).bind_text_ref(2, key);
  auto row = select.step();
  std::optional<std::string> found;
  if (!row) {
    ++m_impl->read_errors;
  } else if (*row) {
    found = select.text(0);
  }
  select.reset();
  return found;
}

void CacheTable::put(CacheRow row)
{
  m_impl->note(row.key);
  bool wake = false;
  {
    std::lock_guard lock(m_impl->mutex);
    m_impl->queue.push_back(std::move(row));
    // The first row starts the batch timer; a full batch is written at once.
    wake = m_impl->queue.size() == 1 || m_impl->queue.size() >= k_batch_rows;
  }
  if (wake) {
    m_impl->wake.notify_one();
  }
}

Result<void> CacheTable::flush()
{
  std::unique_lock lock(m_impl->mutex);
  ++m_impl->flushing;
  m_impl->wake.notify_one();
  m_impl->drained.wait(lock, [&] { return m_impl->queue.empty() && m_impl->writing == 0; });
  --m_impl->flushing;
  if (m_impl->write_error) {
    return fail(*m_impl->write_error);
  }
  return {};
}

std::int64_t CacheTable::read_errors() const
{
  return m_impl->read_errors.load();
}

Result<CacheStats> CacheTable::stats()
{
  if (auto flushed = flush(); !flushed) {
    return fail(flushed.error());
  }
  std::lock_guard lock(m_impl->read_mutex);
  auto stmt =
      m_impl->reader.prepare("SELECT provider, model, COUNT(*), SUM(LENGTH(request) + LENGTH(response)) "
                             "FROM cache GROUP BY provider, model ORDER BY provider, model");
  if (!stmt) {
    return fail(stmt.error());
  }
  CacheStats stats;
  for (;;) {
    auto row = stmt->step();
    if (!row) {
      return fail(row.error());
    }
    if (!*row) {
      break;
    }
    CacheModelCount count{stmt->text(0), stmt->text(1), stmt->integer(2)};
    stats.entries += count.entries;
    stats.bytes += stmt->integer(3);
    stats.by_model.push_back(std::move(count));
  }
  return stats;
}

Result<std::int64_t> CacheTable::clear()
{
  if (auto flushed = flush(); !flushed) {
    return fail(flushed.error());
  }
  // Holding the queue lock with no batch being written keeps the writer thread off its connection.
  std::unique_lock lock(m_impl->mutex);
  m_impl->drained.wait(lock, [&] { return m_impl->writing == 0; });
  if (auto done = m_impl->writer.exec("DELETE FROM cache"); !done) {
    return fail(done.error());
  }
  {
    std::lock_guard filter(m_impl->filter_mutex);
    m_impl->filter.clear();
  }
  return m_impl->writer.changes();
}

Result<void> CacheTable::rows(const std::function<Result<void>(const CacheRow&)>& visit)
{
  if (auto flushed = flush(); !flushed) {
    return fail(flushed.error());
  }
  std::lock_guard lock(m_impl->read_mutex);
  auto stmt = m_impl->reader.prepare(
      "SELECT key, provider, model, request, response, created_at FROM cache ORDER BY key");
  if (!stmt) {
    return fail(stmt.error());
  }
  for (;;) {
    auto row = stmt->step();
    if (!row) {
      return fail(row.error());
    }
    if (!*row) {
      return {};
    }
    CacheRow out{stmt->text(0), stmt->text(1), stmt->text(2), stmt->text(3), stmt->text(4), stmt->text(5)};
    if (auto visited = visit(out); !visited) {
      return visited;
    }
  }
}

Result<void> CacheTable::upsert(const std::vector<CacheRow>& rows)
{
  if (auto flushed = flush(); !flushed) {
    return fail(flushed.error());
  }
  for (const CacheRow& row : rows) {
    m_impl->note(row.key);
  }
  std::unique_lock lock(m_impl->mutex);
  m_impl->drained.wait(lock, [&] { return m_impl->writing == 0; });
  return write_rows(m_impl->writer, m_impl->upsert, rows);
}

} // namespace evalgate
