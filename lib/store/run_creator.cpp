// Store::create_run: a new run's runs, candidates and cases rows in one transaction;
// create_run_without_cases: the first two, the cases left to the run's TrialWriter.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "store/run_id.hpp"
#include "store/store.hpp"
#include "store/store_impl.hpp"

namespace evalgate {

using store_detail::in_context;
using store_detail::to_json_text;

namespace {

Result<void> check_unique_ids(const RunInfo& info, std::size_t case_count, const Store::CaseIdAt& case_id_at)
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
  for (std::size_t i = 0; i < case_count; ++i) {
    const std::string case_id(case_id_at(i));
    auto [it, fresh] = seen.emplace(case_id, i);
    if (!fresh) {
      return fail(ErrorCategory::data, "case id '" + case_id + "' appears twice (positions " +
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
    "trial_count, verdict, config, evalgate_version, options) "
    "VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
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
    .bind_text(13, to_json_text(info.options))
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

// to_json_text(value), without a serializer for the empty values most cases carry (no context,
// tags, metadata or extra evaluators): the same text.
std::string json_text_of(const Json& value)
{
  if (value.is_null()) {
    return "null";
  }
  if (value.empty() && (value.is_object() || value.is_array())) {
    return value.is_object() ? "{}" : "[]";
  }
  return to_json_text(value);
}

} // namespace

namespace store_detail {

Result<void> insert_case_rows(sqlite::Db& db, const std::string& run_id, std::size_t case_count,
                              const Store::CaseAt& case_at)
{
  auto stmt = db.prepare("INSERT INTO cases (run_id, id, position, dataset, row, vars, expected, context, tags, "
                         "metadata, evaluators) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!stmt) {
    return fail(stmt.error());
  }
  for (std::size_t i = 0; i < case_count; ++i) {
    const Case& c = case_at(i);
    auto done = stmt->bind_text(1, run_id)
                  .bind_text(2, c.id)
                  .bind_int(3, static_cast<std::int64_t>(i))
                  .bind_text(4, c.dataset)
                  .bind_int(5, c.row)
                  .bind_text(6, json_text_of(c.vars))
                  .bind_optional(7, c.expected)
                  .bind_text(8, json_text_of(c.context))
                  .bind_text(9, c.tags.empty() ? "[]" : to_json_text(Json(c.tags)))
                  .bind_text(10, json_text_of(c.metadata))
                  .bind_text(11, c.evaluators.empty() ? "[]" : to_json_text(evaluators_json(c.evaluators)))
                  .run();
    if (!done) {
      return done;
    }
  }
  return {};
}

CacheSizeForCases::CacheSizeForCases(sqlite::Db& db) : m_db(db)
{
  if (auto size = db.prepare("PRAGMA cache_size"); size) {
    if (auto row = size->step(); row && *row) {
      m_previous = std::to_string(size->integer(0));
    }
  }
  (void)db.exec("PRAGMA cache_size = -32768");
}

CacheSizeForCases::~CacheSizeForCases()
{
  (void)m_db.exec("PRAGMA cache_size = " + m_previous);
}

Result<void> insert_cases(sqlite::Db& db, const std::string& run_id, std::size_t case_count,
                          const Store::CaseAt& case_at)
{
  const CacheSizeForCases cache(db);
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) {
    return fail(tx.error());
  }
  if (auto done = insert_case_rows(db, run_id, case_count, case_at); !done) {
    return done;
  }
  return tx->commit();
}

} // namespace store_detail

namespace {

// The runs and candidates rows of a new run, and its case rows when `case_at` is given, in one
// transaction; fills info's id, started_at and counts.
Result<void> create(sqlite::Db& db, const std::string& evalgate_version, const std::string& what,
                    RunInfo& info, std::size_t case_count, const Store::CaseAt* case_at)
{
  std::optional<store_detail::CacheSizeForCases> cache;
  if (case_at != nullptr) {
    cache.emplace(db);
  }
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
  stored.case_count = static_cast<std::int64_t>(case_count);
  if (stored.trial_count == 0) {
    stored.trial_count = static_cast<std::int64_t>(stored.candidates.size()) * stored.case_count * stored.repeat;
  }

  if (auto done = insert_run(db, stored, evalgate_version); !done) {
    return fail(in_context(done.error(), what));
  }
  if (auto done = insert_candidates(db, stored); !done) {
    return fail(in_context(done.error(), what));
  }
  if (case_at != nullptr) {
    if (auto done = store_detail::insert_case_rows(db, stored.id, case_count, *case_at); !done) {
      return fail(in_context(done.error(), what));
    }
  }
  if (auto committed = tx->commit(); !committed) {
    return fail(in_context(committed.error(), what));
  }
  info = std::move(stored);
  return {};
}

} // namespace

Result<void> Store::create_run(RunInfo& info, std::size_t case_count, const CaseAt& case_at)
{
  auto unique = check_unique_ids(info, case_count,
                                 [&case_at](std::size_t i) -> std::string_view { return case_at(i).id; });
  if (!unique) {
    return unique;
  }
  return create(m_impl->db, m_impl->evalgate_version, "cannot create a run in " + m_path, info, case_count,
                &case_at);
}

Result<void> Store::create_run_without_cases(RunInfo& info, std::size_t case_count,
                                             const CaseIdAt& case_id_at)
{
  if (auto unique = check_unique_ids(info, case_count, case_id_at); !unique) {
    return unique;
  }
  return create(m_impl->db, m_impl->evalgate_version, "cannot create a run in " + m_path, info, case_count,
                nullptr);
}

} // namespace evalgate
