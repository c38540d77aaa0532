#include "store/trial_writer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "store/run_id.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/store_impl.hpp"

namespace evalgate {

namespace {

constexpr std::size_t k_batch_size = 64;
constexpr auto k_batch_interval = std::chrono::milliseconds(200);

// Replaces every value of an existing row: a resumed run overwrites a failed trial in place.
constexpr const char* k_upsert_trial =
  "INSERT INTO trials (run_id, candidate_id, case_id, repeat_index, output, latency_ms, ttft_ms, prompt_tokens, "
  "completion_tokens, total_tokens, cost_usd, cache_hit, attempts, failure, error, created_at, cost_known, "
  "cached_tokens, provider_id) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) "
  "ON CONFLICT (run_id, candidate_id, case_id, repeat_index) DO UPDATE SET "
  "output = excluded.output, latency_ms = excluded.latency_ms, ttft_ms = excluded.ttft_ms, "
  "prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, "
  "total_tokens = excluded.total_tokens, cost_usd = excluded.cost_usd, cache_hit = excluded.cache_hit, "
  "attempts = excluded.attempts, failure = excluded.failure, error = excluded.error, "
  "created_at = excluded.created_at, cost_known = excluded.cost_known, cached_tokens = excluded.cached_tokens, "
  "provider_id = excluded.provider_id "
  "RETURNING id";

constexpr const char* k_clear_scores = "DELETE FROM scores WHERE trial_id = ?1";

constexpr const char* k_insert_score =
  "INSERT INTO scores (trial_id, metric, position, value, pass, threshold, reason, cost_usd, error, details) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

std::string trials_phrase(std::int64_t count)
{
  return std::to_string(count) + (count == 1 ? " trial was" : " trials were");
}

} // namespace

struct TrialWriter::Impl {
  std::string run_id;
  sqlite::Db db;
  sqlite::Stmt upsert_trial;
  sqlite::Stmt clear_scores;
  sqlite::Stmt insert_score;

  std::mutex mutex; // guards everything below up to `thread`
  std::condition_variable wake;
  std::deque<ScoredTrial> queue;
  bool stopping = false;
  bool finished = false;
  std::optional<Error> write_error;    // first failed batch; later trials are not written
  std::optional<Error> rejected_score; // first score left out (duplicate metric); writing goes on
  std::int64_t not_written = 0;
  std::thread thread;

  std::mutex finish_mutex; // finish() may be called from the destructor and by the owner
  std::atomic<std::int64_t> written{0};
  std::atomic<bool> failed{false};

  void run();
  Result<void> write_batch(const std::vector<ScoredTrial>& batch);
  Result<void> write_trial(const ScoredTrial& scored, const std::string& created_at);
};

void TrialWriter::Impl::run()
{
  std::vector<ScoredTrial> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex);
      wake.wait_for(lock, k_batch_interval, [&] { return stopping || queue.size() >= k_batch_size; });
      if (queue.empty()) {
        if (stopping) {
          return;
        }
        continue;
      }
      const auto take = static_cast<std::ptrdiff_t>(std::min(queue.size(), k_batch_size));
      batch.assign(std::make_move_iterator(queue.begin()), std::make_move_iterator(queue.begin() + take));
      queue.erase(queue.begin(), queue.begin() + take);
    }

    auto done = write_batch(batch);
    if (done) {
      written += static_cast<std::int64_t>(batch.size());
    } else {
      // Stop writing at the first failure: the disk or file is broken and every later batch
      // would fail the same way. Everything still queued is counted, never lost silently.
      std::lock_guard lock(mutex);
      write_error = done.error();
      failed = true;
      not_written += static_cast<std::int64_t>(batch.size() + queue.size());
      queue.clear();
      return;
    }
    batch.clear();
  }
}

Result<void> TrialWriter::Impl::write_batch(const std::vector<ScoredTrial>& batch)
{
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) {
    return fail(tx.error());
  }
  const std::string created_at = iso8601_utc_now();
  for (const ScoredTrial& scored : batch) {
    if (auto done = write_trial(scored, created_at); !done) {
      return done;
    }
  }
  return tx->commit();
}

Result<void> TrialWriter::Impl::write_trial(const ScoredTrial& scored, const std::string& created_at)
{
  const Trial& t = scored.trial;
  upsert_trial.bind_text(1, run_id)
    .bind_text(2, t.candidate_id)
    .bind_text(3, t.case_id)
    .bind_int(4, t.repeat_index)
    .bind_text(5, t.output)
    .bind_double(6, t.latency_ms)
    .bind_optional(7, t.ttft_ms)
    .bind_int(8, t.usage.prompt_tokens)
    .bind_int(9, t.usage.completion_tokens)
    .bind_int(10, t.usage.total_tokens)
    .bind_double(11, t.cost_usd.value_or(0))
    .bind_int(12, t.cache_hit ? 1 : 0)
    .bind_int(13, t.attempts)
    .bind_text(14, failure_kind_name(t.failure))
    .bind_text(15, t.error)
    .bind_text(16, created_at)
    .bind_int(17, t.cost_usd ? 1 : 0)
    .bind_int(18, t.usage.cached_tokens)
    .bind_text(19, t.provider_id);
  auto row = upsert_trial.step();
  if (!row) {
    upsert_trial.reset();
    return fail(row.error());
  }
  const std::int64_t trial_id = upsert_trial.integer(0);
  upsert_trial.reset();

  // Scores are replaced as a set so a re-run trial never keeps a stale metric.
  if (auto done = clear_scores.bind_int(1, trial_id).run(); !done) {
    return done;
  }
  std::set<std::string> metrics;
  for (std::size_t i = 0; i < scored.scores.size(); ++i) {
    const Score& s = scored.scores[i];
    if (!metrics.insert(s.metric).second) {
      std::lock_guard lock(mutex);
      if (!rejected_score) {
        rejected_score = make_error(ErrorCategory::internal,
                                    "trial " + t.candidate_id + " / " + t.case_id + " repeat " +
                                      std::to_string(t.repeat_index) + " has two scores named '" + s.metric +
                                      "'; only the first was stored");
      }
      continue;
    }
    auto done = insert_score.bind_int(1, trial_id)
                    .bind_text(2, s.metric)
                    .bind_int(3, static_cast<std::int64_t>(i))
                    .bind_double(4, s.value)
                    .bind_int(5, s.pass ? 1 : 0)
                    .bind_optional(6, s.threshold)
                    .bind_text(7, s.reason)
                    .bind_double(8, s.cost_usd)
                    .bind_text(9, s.error)
                    .bind_text(10, s.details.is_object() && !s.details.empty() ? s.details.dump() : "{}")
                    .run();
    if (!done) {
      return done;
    }
  }
  return {};
}

// ---- TrialWriter ------------------------------------------------------------------------

TrialWriter::TrialWriter() : m_impl(std::make_unique<Impl>()) {}

TrialWriter::~TrialWriter()
{
  if (m_impl) {
    (void)finish();
  }
}

Result<std::unique_ptr<TrialWriter>> TrialWriter::start(const std::string& db_path, std::string run_id)
{
  auto db = sqlite::Db::open(db_path);
  if (!db) {
    return fail(db.error());
  }
  if (auto migrated = schema::migrate(*db); !migrated) {
    return fail(migrated.error());
  }
  const std::string what = "cannot write trials to " + db_path;
  if (auto exists = store_detail::require_run(*db, run_id); !exists) {
    return fail(store_detail::in_context(exists.error(), what));
  }

  std::unique_ptr<TrialWriter> writer(new TrialWriter());
  Impl& impl = *writer->m_impl;
  impl.run_id = std::move(run_id);
  impl.db = std::move(*db);
  auto upsert = impl.db.prepare(k_upsert_trial);
  auto clear = impl.db.prepare(k_clear_scores);
  auto insert = impl.db.prepare(k_insert_score);
  for (auto* prepared : {&upsert, &clear, &insert}) {
    if (!*prepared) {
      return fail(store_detail::in_context(prepared->error(), what));
    }
  }
  impl.upsert_trial = std::move(*upsert);
  impl.clear_scores = std::move(*clear);
  impl.insert_score = std::move(*insert);
  impl.thread = std::thread([&impl] { impl.run(); });
  return writer;
}

void TrialWriter::push(ScoredTrial trial)
{
  Impl& impl = *m_impl;
  bool wake_writer = false;
  {
    std::lock_guard lock(impl.mutex);
    if (impl.write_error || impl.stopping) {
      ++impl.not_written;
      if (!impl.write_error) {
        impl.write_error = make_error(ErrorCategory::internal, "a trial was pushed after finish()");
      }
      return;
    }
    impl.queue.push_back(std::move(trial));
    wake_writer = impl.queue.size() >= k_batch_size;
  }
  if (wake_writer) {
    impl.wake.notify_one();
  }
}

Result<void> TrialWriter::finish()
{
  Impl& impl = *m_impl;
  std::lock_guard finishing(impl.finish_mutex);
  if (!impl.finished) {
    {
      std::lock_guard lock(impl.mutex);
      impl.stopping = true;
    }
    impl.wake.notify_all();
    if (impl.thread.joinable()) {
      impl.thread.join();
    }
    impl.upsert_trial = sqlite::Stmt();
    impl.clear_scores = sqlite::Stmt();
    impl.insert_score = sqlite::Stmt();
    impl.db.close();
    impl.finished = true;
  }

  std::lock_guard lock(impl.mutex);
  if (impl.write_error) {
    Error error = *impl.write_error;
    if (error.category == ErrorCategory::store) {
      error.message = "cannot write trials to " + impl.db.path() + ": " + error.message;
    }
    error.message += "; " + trials_phrase(impl.not_written) + " not written";
    return fail(std::move(error));
  }
  if (impl.rejected_score) {
    return fail(*impl.rejected_score);
  }
  return {};
}

std::int64_t TrialWriter::written() const { return m_impl->written.load(); }

bool TrialWriter::failed() const
{
  return m_impl->failed.load();
}

} // namespace evalgate
