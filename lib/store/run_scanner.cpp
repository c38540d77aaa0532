// Store::scan_trials: a run's trials streamed from a cursor, one at a time, in load_run's order:
// for readers that only aggregate (terminal report, gate, stats), without output text, score
// reasons and details; for reports that print every trial, with them. Either way a scan holds one
// trial whatever the size of the run.

#include "store/store.hpp"
#include "store/store_impl.hpp"

namespace evalgate {

using store_detail::in_context;

namespace {

// Same order as load_run's trials (store/run_reader.cpp): reports that compare the two paths
// depend on it, first-seen orders and floating-point sums included.
// The last column is the output, selected as '' when the scan does not want it.
constexpr const char* k_trials_sql =
    "SELECT t.id, t.candidate_id, t.case_id, t.repeat_index, t.latency_ms, t.ttft_ms, t.prompt_tokens, "
    "t.completion_tokens, t.total_tokens, t.cost_usd, t.cache_hit, t.attempts, t.failure, t.error, "
    "t.cost_known, "
    "t.cached_tokens, t.provider_id, CASE WHEN ?2 THEN t.output ELSE '' END "
    "FROM trials t "
    "LEFT JOIN candidates c ON c.run_id = t.run_id AND c.id = t.candidate_id "
    "LEFT JOIN cases k ON k.run_id = t.run_id AND k.id = t.case_id "
    "WHERE t.run_id = ?1 "
    "ORDER BY c.position IS NULL, c.position, k.position IS NULL, k.position, t.repeat_index, "
    "t.candidate_id, "
    "t.case_id";

// One trial's scores by the (trial_id, metric) primary key's index, in metric order; read_scores
// puts them in their stored order (position). Sorting a trial's few scores here rather than with
// ORDER BY spares SQLite a temporary b-tree per trial, a third of a scan's time.
constexpr const char* k_scores_sql =
    "SELECT metric, value, pass, cost_usd, error, position FROM scores WHERE trial_id = ?1";
constexpr const char* k_full_scores_sql =
    "SELECT metric, value, pass, cost_usd, error, position, threshold, reason, details "
    "FROM scores WHERE trial_id = ?1";

Result<void> read_trial(sqlite::Stmt& row, const std::string& run_id, Trial& t)
{
  t.candidate_id = row.text(1);
  t.case_id = row.text(2);
  t.repeat_index = static_cast<int>(row.integer(3));
  t.latency_ms = row.real(4);
  t.ttft_ms = row.optional_real(5);
  t.usage = Usage{row.integer(6), row.integer(7), row.integer(8), row.integer(15)};
  t.cost_usd = row.integer(14) != 0 ? std::optional<double>(row.real(9)) : std::nullopt;
  t.cache_hit = row.integer(10) != 0;
  t.attempts = static_cast<int>(row.integer(11));
  const std::string failure = row.text(12);
  auto kind = failure_kind_from_name(failure);
  if (!kind) {
    return fail(ErrorCategory::store, "trial " + t.candidate_id + " / " + t.case_id + " of run " + run_id +
                                          " has an unknown failure kind '" + failure + "'");
  }
  t.failure = *kind;
  t.error = row.text(13);
  t.provider_id = row.text(16);
  t.output = row.text(17);
  return {};
}

// Reads into `scores`, reusing its elements (and their strings' buffers) from the previous trial.
Result<void> read_scores(sqlite::Stmt& stmt, std::int64_t trial_id, bool full, std::vector<Score>& scores,
                         std::vector<std::int64_t>& positions)
{
  std::size_t count = 0;
  positions.clear();
  stmt.reset();
  stmt.bind_int(1, trial_id);
  for (;;) {
    auto row = stmt.step();
    if (!row) {
      return fail(row.error());
    }
    if (!*row) {
      break;
    }
    if (count == scores.size()) {
      scores.emplace_back();
    }
    Score& s = scores[count++];
    s.metric = stmt.text(0);
    s.value = stmt.real(1);
    s.pass = stmt.integer(2) != 0;
    s.cost_usd = stmt.real(3);
    s.error = stmt.text(4);
    positions.push_back(stmt.integer(5));
    if (full) {
      s.threshold = stmt.optional_real(6);
      s.reason = stmt.text(7);
      // As load_run: most scores have no details, and anything but an object reads as none.
      const std::string details = stmt.text(8);
      s.details = details == "{}" ? Json::object() : Json::parse(details, nullptr, false);
      if (!s.details.is_object()) {
        s.details = Json::object();
      }
    } else {
      s.threshold.reset();
      s.reason.clear();
      if (!s.details.is_object() || !s.details.empty()) {
        s.details = Json::object();
      }
    }
  }
  scores.resize(count);
  // Insertion sort by position, stable: a trial has a handful of scores, usually almost in order.
  for (std::size_t i = 1; i < count; ++i) {
    for (std::size_t j = i; j > 0 && positions[j - 1] > positions[j]; --j) {
      std::swap(positions[j - 1], positions[j]);
      std::swap(scores[j - 1], scores[j]);
    }
  }
  return {};
}

Result<void> scan(sqlite::Db& db, const std::string& run_id, const Store::TrialVisitor& visit, bool full)
{
  if (auto exists = store_detail::require_run(db, run_id); !exists) {
    return exists;
  }
  auto trials = db.prepare(k_trials_sql);
  if (!trials) {
    return fail(trials.error());
  }
  auto scores = db.prepare(full ? k_full_scores_sql : k_scores_sql);
  if (!scores) {
    return fail(scores.error());
  }
  trials->bind_text(1, run_id).bind_int(2, full ? 1 : 0);
  ScoredTrial scored;
  std::vector<std::int64_t> positions;
  for (;;) {
    auto row = trials->step();
    if (!row) {
      return fail(row.error());
    }
    if (!*row) {
      return {};
    }
    if (auto read = read_trial(*trials, run_id, scored.trial); !read) {
      return read;
    }
    if (auto read = read_scores(*scores, trials->integer(0), full, scored.scores, positions); !read) {
      return read;
    }
    if (auto visited = visit(scored); !visited) {
      return visited;
    }
  }
}

} // namespace

Result<void> Store::scan_trials(const std::string& run_id, const TrialVisitor& visit, TrialFields fields)
{
  sqlite::Db& db = m_impl->db;
  // One read transaction, so a writer committing meanwhile cannot tear the snapshot.
  if (auto begun = db.exec("BEGIN"); !begun) {
    return fail(in_context(begun.error(), "cannot read run " + run_id + " from " + m_path));
  }
  Result<void> scanned = scan(db, run_id, visit, fields == TrialFields::everything);
  (void)db.exec("COMMIT"); // read-only: nothing to lose if ending it fails
  if (!scanned) {
    return fail(in_context(scanned.error(), "cannot read run " + run_id + " from " + m_path));
  }
  return scanned;
}

Result<std::int64_t> Store::unlisted_trials(const std::string& run_id)
{
  auto stmt = m_impl->db.prepare("SELECT count(*) FROM trials t "
                                 "LEFT JOIN candidates c ON c.run_id = t.run_id AND c.id = t.candidate_id "
                                 "LEFT JOIN cases k ON k.run_id = t.run_id AND k.id = t.case_id "
                                 "WHERE t.run_id = ?1 AND (c.id IS NULL OR k.id IS NULL)");
  if (!stmt) {
    return fail(in_context(stmt.error(), "cannot read run " + run_id + " from " + m_path));
  }
  auto row = stmt->bind_text(1, run_id).step();
  if (!row) {
    return fail(in_context(row.error(), "cannot read run " + run_id + " from " + m_path));
  }
  return *row ? stmt->integer(0) : 0;
}

} // namespace evalgate
