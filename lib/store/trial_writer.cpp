#include "store/trial_writer.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
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

constexpr const char* k_trial_columns =
  "INSERT INTO trials (run_id, candidate_id, case_id, repeat_index, output, latency_ms, ttft_ms, prompt_tokens, "
  "completion_tokens, total_tokens, cost_usd, cache_hit, attempts, failure, error, created_at, cost_known, "
  "cached_tokens, provider_id) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) "
  "ON CONFLICT (run_id, candidate_id, case_id, repeat_index) ";

// The common case, a trial stored for the first time: a plain insert (no RETURNING, whose
// buffering doubled the statement's cost), and no old scores to delete. A conflict inserts nothing
// (changes() == 0) and the trial takes the replace path below.
const std::string k_insert_trial = std::string(k_trial_columns) + "DO NOTHING";

// Replaces every value of an existing row: a resumed run overwrites a failed trial in place.
const std::string k_upsert_trial =
  std::string(k_trial_columns) +
  "DO UPDATE SET "
  "output = excluded.output, latency_ms = excluded.latency_ms, ttft_ms = excluded.ttft_ms, "
  "prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, "
  "total_tokens = excluded.total_tokens, cost_usd = excluded.cost_usd, cache_hit = excluded.cache_hit, "
  "attempts = excluded.attempts, failure = excluded.failure, error = excluded.error, "
  "created_at = excluded.created_at, cost_known = excluded.cost_known, cached_tokens = excluded.cached_tokens, "
  "provider_id = excluded.provider_id "
  "RETURNING id";

constexpr const char* k_clear_scores = "DELETE FROM scores WHERE trial_id = ?1";

// Scores go in as multi-row inserts of up to k_score_rows rows: one statement per trial instead
// of one per score (a statement's step/reset costs about as much as a row).
constexpr int k_score_rows = 8;
constexpr int k_score_params = 10;

std::string insert_scores_sql(int rows)
{
  std::string sql = "INSERT INTO scores (trial_id, metric, position, value, pass, threshold, reason, cost_usd, "
                    "error, details) VALUES ";
  for (int r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (int p = 1; p <= k_score_params; ++p) {
      sql += "?" + std::to_string(r * k_score_params + p) + (p < k_score_params ? ", " : ")");
    }
  }
  return sql;
}

std::string trials_phrase(std::int64_t count)
{
  return std::to_string(count) + (count == 1 ? " trial was" : " trials were");
}

} // namespace

struct TrialWriter::Impl {
  std::string run_id;
  sqlite::Db db;
  sqlite::Stmt insert_trial;
  sqlite::Stmt upsert_trial;
  sqlite::Stmt clear_scores;
  std::array<sqlite::Stmt, k_score_rows> insert_scores; // [r]: r + 1 rows
  std::vector<std::size_t> kept;                        // write_trial's scratch: scores to insert
  CaseRows cases;                                       // inserted first; count 0 = none

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
  Result<void> insert_cases();
  Result<void> write_batch(const std::vector<ScoredTrial>& batch);
  Result<void> write_trial(const ScoredTrial& scored, const std::string& created_at);
  Result<std::int64_t> store_trial_row(const Trial& t, const std::string& created_at);
  Result<void> insert_kept_scores(std::int64_t trial_id, const ScoredTrial& scored);
};

Result<void> TrialWriter::Impl::insert_cases()
{
  Case current;
  auto case_at = [this, &current](std::size_t i) -> const Case& {
    current = cases.case_at(i);
    return current;
  };
  auto done = store_detail::insert_cases(db, run_id, cases.count, case_at);
  cases = CaseRows{};
  if (!done) {
    Error error = done.error();
    error.message = "cannot store the cases of run " + run_id + ": " + error.message;
    return fail(std::move(error));
  }
  return {};
}

void TrialWriter::Impl::run()
{
  if (cases.count > 0) {
    if (auto done = insert_cases(); !done) {
      std::lock_guard lock(mutex);
      write_error = done.error();
      failed = true;
      not_written += static_cast<std::int64_t>(queue.size());
      queue.clear();
      return;
    }
  }
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

namespace {

void bind_trial(sqlite::Stmt& stmt, const std::string& run_id, const Trial& t, const std::string& created_at)
{
  stmt.bind_text_ref(1, run_id)
    .bind_text_ref(2, t.candidate_id)
    .bind_text_ref(3, t.case_id)
    .bind_int(4, t.repeat_index)
    .bind_text_ref(5, t.output)
    .bind_double(6, t.latency_ms)
    .bind_optional(7, t.ttft_ms)
    .bind_int(8, t.usage.prompt_tokens)
    .bind_int(9, t.usage.completion_tokens)
    .bind_int(10, t.usage.total_tokens)
    .bind_double(11, t.cost_usd.value_or(0))
    .bind_int(12, t.cache_hit ? 1 : 0)
    .bind_int(13, t.attempts)
    .bind_text_ref(14, failure_kind_name(t.failure))
    .bind_text_ref(15, t.error)
    .bind_text_ref(16, created_at)
    .bind_int(17, t.cost_usd ? 1 : 0)
    .bind_int(18, t.usage.cached_tokens)
    .bind_text_ref(19, t.provider_id);
}

} // namespace

// The trial's row id; a trial stored before (a resumed run redoing a failed one, or one pushed
// twice) has its row overwritten and its old scores deleted, so it never keeps a stale metric.
Result<std::int64_t> TrialWriter::Impl::store_trial_row(const Trial& t, const std::string& created_at)
{
  bind_trial(insert_trial, run_id, t, created_at);
  if (auto done = insert_trial.run(); !done) {
    return fail(done.error());
  }
  if (db.changes() == 1) {
    return db.last_insert_rowid();
  }
  bind_trial(upsert_trial, run_id, t, created_at);
  auto row = upsert_trial.step();
  if (!row || !*row) {
    upsert_trial.reset();
    return row ? fail(ErrorCategory::store, "the trial upsert returned no row") : fail(row.error());
  }
  const std::int64_t trial_id = upsert_trial.integer(0);
  upsert_trial.reset();
  if (auto done = clear_scores.bind_int(1, trial_id).run(); !done) {
    return fail(done.error());
  }
  return trial_id;
}

Result<void> TrialWriter::Impl::write_trial(const ScoredTrial& scored, const std::string& created_at)
{
  const Trial& t = scored.trial;
  auto trial_id = store_trial_row(t, created_at);
  if (!trial_id) {
    return fail(trial_id.error());
  }
  kept.clear();
  for (std::size_t i = 0; i < scored.scores.size(); ++i) {
    const Score& s = scored.scores[i];
    const bool duplicate = std::any_of(kept.begin(), kept.end(),
                                       [&](std::size_t k) { return scored.scores[k].metric == s.metric; });
    if (!duplicate) {
      kept.push_back(i);
      continue;
    }
    std::lock_guard lock(mutex);
    if (!rejected_score) {
      rejected_score = make_error(ErrorCategory::internal,
                                  "trial " + t.candidate_id + " / " + t.case_id + " repeat " +
                                    std::to_string(t.repeat_index) + " has two scores named '" + s.metric +
                                    "'; only the first was stored");
    }
  }
  return insert_kept_scores(*trial_id, scored);
}

Result<void> TrialWriter::Impl::insert_kept_scores(std::int64_t trial_id, const ScoredTrial& scored)
{
  for (std::size_t from = 0; from < kept.size(); from += k_score_rows) {
    const std::size_t rows = std::min(kept.size() - from, static_cast<std::size_t>(k_score_rows));
    sqlite::Stmt& stmt = insert_scores[rows - 1];
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t i = kept[from + r];
      const Score& s = scored.scores[i];
      const int base = static_cast<int>(r) * k_score_params;
      stmt.bind_int(base + 1, trial_id)
        .bind_text_ref(base + 2, s.metric)
        .bind_int(base + 3, static_cast<std::int64_t>(i))
        .bind_double(base + 4, s.value)
        .bind_int(base + 5, s.pass ? 1 : 0)
        .bind_optional(base + 6, s.threshold)
        .bind_text_ref(base + 7, s.reason)
        .bind_double(base + 8, s.cost_usd)
        .bind_text_ref(base + 9, s.error);
      if (s.details.is_object() && !s.details.empty()) {
        stmt.bind_text(base + 10, s.details.dump()); // a temporary: copied
      } else {
        stmt.bind_text_ref(base + 10, "{}");
      }
    }
    if (auto done = stmt.run(); !done) {
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
  return start(db_path, std::move(run_id), CaseRows{});
}

Result<std::unique_ptr<TrialWriter>> TrialWriter::start(const std::string& db_path, std::string run_id,
                                                        CaseRows cases)
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
  impl.cases = std::move(cases);
  auto insert = impl.db.prepare(k_insert_trial);
  auto upsert = impl.db.prepare(k_upsert_trial);
  auto clear = impl.db.prepare(k_clear_scores);
  for (auto* prepared : {&insert, &upsert, &clear}) {
    if (!*prepared) {
      return fail(store_detail::in_context(prepared->error(), what));
    }
  }
  impl.insert_trial = std::move(*insert);
  impl.upsert_trial = std::move(*upsert);
  impl.clear_scores = std::move(*clear);
  for (int rows = 1; rows <= k_score_rows; ++rows) {
    auto scores = impl.db.prepare(insert_scores_sql(rows));
    if (!scores) {
      return fail(store_detail::in_context(scores.error(), what));
    }
    impl.insert_scores[static_cast<std::size_t>(rows - 1)] = std::move(*scores);
  }
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
    impl.insert_trial = sqlite::Stmt();
    impl.upsert_trial = sqlite::Stmt();
    impl.clear_scores = sqlite::Stmt();
    for (auto& stmt : impl.insert_scores) {
      stmt = sqlite::Stmt();
    }
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
