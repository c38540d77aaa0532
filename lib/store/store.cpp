#include "store/store.hpp"

#include <chrono>
#include <map>
#include <utility>

#include "store/run_id.hpp"
#include "store/schema.hpp"
#include "store/store_impl.hpp"

namespace evalgate {

using store_detail::in_context;
using store_detail::require_run;
using store_detail::to_json_text;

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

Result<void> check_unique_ids(const RunInfo& info, const std::vector<Case>& cases)
{
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < info.candidates.size(); ++i) {
    auto [it, fresh] = seen.emplace(info.candidates[i].id, i);
    if (!fresh) {
      return fail(ErrorCategory::data, "candidate id '" + info.candidates[i].id + "' appears twice (positions " +
                                         std::to_string(it->second + 1) + " and " + std::to_string(i + 1) +
                                         "); candidate ids must be unique within a run");
    }
  }
  seen.clear();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto [it, fresh] = seen.emplace(cases[i].id, i);
    if (!fresh) {
      return fail(ErrorCategory::data, "case id '" + cases[i].id + "' appears twice (positions " +
                                         std::to_string(it->second + 1) + " and " + std::to_string(i + 1) +
                                         "); case ids must be unique within a run");
    }
  }
  return {};
}

Json evaluators_json(const std::vector<EvaluatorSpec>& evaluators)
{
  Json out = Json::array();
  for (const EvaluatorSpec& spec : evaluators) {
    out.push_back(Json{{"type", spec.type}, {"name", spec.name}, {"config", spec.config}});
  }
  return out;
}

// A run id that is not taken yet. Six random hex digits make a clash within one second
// unlikely; checking makes it impossible.
Result<std::string> fresh_run_id(sqlite::Db& db, std::chrono::system_clock::time_point now)
{
  auto taken = db.prepare("SELECT 1 FROM runs WHERE id = ?1");
  if (!taken) {
    return fail(taken.error());
  }
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string id = new_run_id(now);
    auto row = taken->bind_text(1, id).step();
    if (!row) {
      return fail(row.error());
    }
    taken->reset();
    if (!*row) {
      return id;
    }
  }
  return fail(ErrorCategory::internal, "could not find a free run id after 16 attempts");
}

Result<void> insert_run(sqlite::Db& db, const RunInfo& info, const std::string& evalgate_version)
{
  auto stmt = db.prepare(
    "INSERT INTO runs (id, suite_name, suite_path, status, started_at, finished_at, seed, repeat, case_count, "
    "trial_count, verdict, config, evalgate_version) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!stmt) {
    return fail(stmt.error());
  }
  // SQLite integers are signed 64-bit; the seed keeps its bits and is cast back on read.
  return stmt->bind_text(1, info.id)
    .bind_text(2, info.suite_name)
    .bind_text(3, info.suite_path)
    .bind_text(4, run_status_name(info.status))
    .bind_text(5, info.started_at)
    .bind_int(6, static_cast<std::int64_t>(info.seed))
    .bind_int(7, info.repeat)
    .bind_int(8, info.case_count)
    .bind_int(9, info.trial_count)
    .bind_text(10, info.verdict)
    .bind_text(11, to_json_text(info.config))
    .bind_text(12, evalgate_version)
    .run();
}

Result<void> insert_candidates(sqlite::Db& db, const RunInfo& info)
{
  auto stmt = db.prepare(
    "INSERT INTO candidates (run_id, id, prompt_id, provider_id, position) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!stmt) {
    return fail(stmt.error());
  }
  for (std::size_t i = 0; i < info.candidates.size(); ++i) {
    const Candidate& c = info.candidates[i];
    auto done = stmt->bind_text(1, info.id)
                  .bind_text(2, c.id)
                  .bind_text(3, c.prompt_id)
                  .bind_text(4, c.provider_id)
                  .bind_int(5, static_cast<std::int64_t>(i))
                  .run();
    if (!done) {
      return done;
    }
  }
  return {};
}

Result<void> insert_cases(sqlite::Db& db, const std::string& run_id, const std::vector<Case>& cases)
{
  auto stmt = db.prepare("INSERT INTO cases (run_id, id, position, dataset, row, vars, expected, context, tags, "
                         "metadata, evaluators) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!stmt) {
    return fail(stmt.error());
  }
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    auto done = stmt->bind_text(1, run_id)
                  .bind_text(2, c.id)
                  .bind_int(3, static_cast<std::int64_t>(i))
                  .bind_text(4, c.dataset)
                  .bind_int(5, c.row)
                  .bind_text(6, to_json_text(c.vars))
                  .bind_optional(7, c.expected)
                  .bind_text(8, to_json_text(c.context))
                  .bind_text(9, to_json_text(Json(c.tags)))
                  .bind_text(10, to_json_text(c.metadata))
                  .bind_text(11, to_json_text(evaluators_json(c.evaluators)))
                  .run();
    if (!done) {
      return done;
    }
  }
  return {};
}

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

Result<void> Store::create_run(RunInfo& info, const std::vector<Case>& cases)
{
  if (auto unique = check_unique_ids(info, cases); !unique) {
    return unique;
  }
  sqlite::Db& db = m_impl->db;
  const std::string what = "cannot create a run in " + m_path;
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) {
    return fail(in_context(tx.error(), what));
  }

  const auto now = std::chrono::system_clock::now();
  auto id = fresh_run_id(db, now);
  if (!id) {
    return fail(in_context(id.error(), what));
  }
  RunInfo stored = info;
  stored.id = *id;
  stored.started_at = iso8601_utc(now);
  stored.finished_at.clear();
  stored.case_count = static_cast<std::int64_t>(cases.size());
  if (stored.trial_count == 0) {
    stored.trial_count = static_cast<std::int64_t>(stored.candidates.size()) * stored.case_count * stored.repeat;
  }

  if (auto done = insert_run(db, stored, m_impl->evalgate_version); !done) {
    return fail(in_context(done.error(), what));
  }
  if (auto done = insert_candidates(db, stored); !done) {
    return fail(in_context(done.error(), what));
  }
  if (auto done = insert_cases(db, stored.id, cases); !done) {
    return fail(in_context(done.error(), what));
  }
  if (auto committed = tx->commit(); !committed) {
    return fail(in_context(committed.error(), what));
  }
  info = std::move(stored);
  return {};
}

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
