#include "store/store.hpp"

#include <utility>

#include "store/run_id.hpp"
#include "store/schema.hpp"
#include "store/store_impl.hpp"

namespace evalgate {

using store_detail::in_context;
using store_detail::require_run;

// ---- helpers shared with run_reader.cpp -----------------------------------------------------

namespace store_detail {

std::string to_json_text(const Json& value)
{
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Json> from_json_text(const std::string& text, const std::string& what)
{
  Json parsed = Json::parse(text, nullptr, false);
  if (parsed.is_discarded()) {
    return fail(ErrorCategory::store, what + " is not valid JSON");
  }
  return parsed;
}

Error in_context(Error error, const std::string& what)
{
  if (error.category == ErrorCategory::store) {
    error.message = what + ": " + error.message;
  }
  return error;
}

Unexpected unknown_run(const std::string& run_id, const std::string& db_path)
{
  return fail(ErrorCategory::usage, "no run '" + run_id + "' in " + db_path + " (see `evalgate runs`)");
}

Result<void> require_run(sqlite::Db& db, const std::string& run_id)
{
  auto stmt = db.prepare("SELECT 1 FROM runs WHERE id = ?1");
  if (!stmt) {
    return fail(stmt.error());
  }
  auto row = stmt->bind_text(1, run_id).step();
  if (!row) {
    return fail(row.error());
  }
  if (!*row) {
    return unknown_run(run_id, db.path());
  }
  return {};
}

} // namespace store_detail

namespace {

bool is_terminal(RunStatus status) { return status != RunStatus::running; }

} // namespace

// ---- Store ------------------------------------------------------------------------------

Store::Store(std::string path) : m_path(std::move(path)), m_impl(std::make_unique<Impl>()) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string& path)
{
  auto db = sqlite::Db::open(path);
  if (!db) {
    return fail(db.error());
  }
  if (auto migrated = schema::migrate(*db); !migrated) {
    return fail(migrated.error());
  }
  std::unique_ptr<Store> store(new Store(path));
  store->m_impl->db = std::move(*db);
  return store;
}

void Store::set_evalgate_version(std::string version) { m_impl->evalgate_version = std::move(version); }

Result<void> Store::set_run_status(const std::string& run_id, RunStatus status)
{
  const std::string what = "cannot update run " + run_id + " in " + m_path;
  auto stmt = m_impl->db.prepare("UPDATE runs SET status = ?1, finished_at = ?2 WHERE id = ?3");
  if (!stmt) {
    return fail(in_context(stmt.error(), what));
  }
  stmt->bind_text(1, run_status_name(status)).bind_text(3, run_id);
  if (is_terminal(status)) {
    stmt->bind_text(2, iso8601_utc_now());
  } else {
    stmt->bind_null(2);
  }
  if (auto done = stmt->run(); !done) {
    return fail(in_context(done.error(), what));
  }
  if (m_impl->db.changes() == 0) {
    return store_detail::unknown_run(run_id, m_path);
  }
  return {};
}

Result<void> Store::save_gate(const std::string& run_id, const std::string& verdict,
                              const std::vector<GateResult>& results)
{
  sqlite::Db& db = m_impl->db;
  const std::string what = "cannot save the gate results of run " + run_id + " in " + m_path;
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) {
    return fail(in_context(tx.error(), what));
  }
  if (auto exists = require_run(db, run_id); !exists) {
    return fail(in_context(exists.error(), what));
  }

  auto clear = db.prepare("DELETE FROM gate_results WHERE run_id = ?1");
  auto insert = db.prepare("INSERT INTO gate_results (run_id, position, metric, candidate_id, check_name, "
                           "observed, limit_value, passed, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  auto set_verdict = db.prepare("UPDATE runs SET verdict = ?1 WHERE id = ?2");
  for (auto* prepared : {&clear, &insert, &set_verdict}) {
    if (!*prepared) {
      return fail(in_context(prepared->error(), what));
    }
  }
  if (auto done = clear->bind_text(1, run_id).run(); !done) {
    return fail(in_context(done.error(), what));
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    const GateResult& r = results[i];
    auto done = insert->bind_text(1, run_id)
                  .bind_int(2, static_cast<std::int64_t>(i))
                  .bind_text(3, r.metric)
                  .bind_text(4, r.candidate_id)
                  .bind_text(5, r.check)
                  .bind_double(6, r.observed)
                  .bind_double(7, r.limit)
                  .bind_int(8, r.passed ? 1 : 0)
                  .bind_text(9, r.message)
                  .run();
    if (!done) {
      return fail(in_context(done.error(), what));
    }
  }
  if (auto done = set_verdict->bind_text(1, verdict).bind_text(2, run_id).run(); !done) {
    return fail(in_context(done.error(), what));
  }
  if (auto committed = tx->commit(); !committed) {
    return fail(in_context(committed.error(), what));
  }
  return {};
}

Result<std::string> Store::resolve_run_id(const std::string& id_or_latest)
{
  const std::string what = "cannot read runs from " + m_path;
  if (id_or_latest != "latest") {
    if (auto exists = require_run(m_impl->db, id_or_latest); !exists) {
      return fail(in_context(exists.error(), what));
    }
    return id_or_latest;
  }
  auto stmt = m_impl->db.prepare("SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1");
  if (!stmt) {
    return fail(in_context(stmt.error(), what));
  }
  auto row = stmt->step();
  if (!row) {
    return fail(in_context(row.error(), what));
  }
  if (!*row) {
    return fail(ErrorCategory::usage, "no runs in " + m_path + " yet (start one with `evalgate run`)");
  }
  return stmt->text(0);
}

Result<std::vector<RunListEntry>> Store::list_runs(int limit)
{
  const std::string what = "cannot list runs in " + m_path;
  auto stmt = m_impl->db.prepare(
    "SELECT r.id, r.suite_name, r.status, r.started_at, r.verdict, r.trial_count, "
    "(SELECT count(*) FROM trials t WHERE t.run_id = r.id) "
    "FROM runs r ORDER BY r.started_at DESC, r.id DESC LIMIT ?1");
  if (!stmt) {
    return fail(in_context(stmt.error(), what));
  }
  stmt->bind_int(1, limit > 0 ? limit : -1); // SQLite: a negative LIMIT means none
  std::vector<RunListEntry> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) {
      return fail(in_context(row.error(), what));
    }
    if (!*row) {
      break;
    }
    RunListEntry entry;
    entry.id = stmt->text(0);
    entry.suite_name = stmt->text(1);
    const std::string status = stmt->text(2);
    auto parsed = run_status_from_name(status);
    if (!parsed) {
      return fail(ErrorCategory::store, "run " + entry.id + " in " + m_path + " has an unknown status '" + status + "'");
    }
    entry.status = *parsed;
    entry.started_at = stmt->text(3);
    entry.verdict = stmt->text(4);
    entry.trial_count = stmt->integer(5);
    entry.trials_done = stmt->integer(6);
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::set<TrialKey>> Store::trial_keys(const std::string& run_id)
{
  const std::string what = "cannot read the trials of run " + run_id + " in " + m_path;
  if (auto exists = require_run(m_impl->db, run_id); !exists) {
    return fail(in_context(exists.error(), what));
  }
  // Failed trials are left out on purpose: a resumed run retries them along with the missing ones.
  auto stmt = m_impl->db.prepare(
    "SELECT candidate_id, case_id, repeat_index FROM trials WHERE run_id = ?1 AND failure = 'none'");
  if (!stmt) {
    return fail(in_context(stmt.error(), what));
  }
  stmt->bind_text(1, run_id);
  std::set<TrialKey> keys;
  for (;;) {
    auto row = stmt->step();
    if (!row) {
      return fail(in_context(row.error(), what));
    }
    if (!*row) {
      break;
    }
    keys.emplace(stmt->text(0), stmt->text(1), static_cast<int>(stmt->integer(2)));
  }
  return keys;
}

} // namespace evalgate