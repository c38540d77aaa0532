// Store::load_run: reads one run back into the value types, in the order reports expect
// (candidates and cases in suite order, trials by candidate, case, repeat).

#include <unordered_map>
#include <utility>

#include "store/store.hpp"
#include "store/store_impl.hpp"

namespace evalgate {

using store_detail::from_json_text;
using store_detail::in_context;

namespace {

// Steps through every row of `stmt`, calling `read` for each; stops at the first error.
template <typename Read> Result<void> each_row(sqlite::Stmt& stmt, Read&& read)
{
  for (;;) {
    auto row = stmt.step();
    if (!row) {
      return fail(row.error());
    }
    if (!*row) {
      return {};
    }
    if (auto done = read(); !done) {
      return done;
    }
  }
}

Result<void> read_info(sqlite::Db& db, const std::string& run_id, RunInfo& info)
{
  auto stmt = db.prepare("SELECT suite_name, suite_path, status, started_at, finished_at, seed, repeat, "
                         "case_count, trial_count, verdict, config, options FROM runs WHERE id = ?1");
  if (!stmt) {
    return fail(stmt.error());
  }
  auto row = stmt->bind_text(1, run_id).step();
  if (!row) {
    return fail(row.error());
  }
  if (!*row) {
    return store_detail::unknown_run(run_id, db.path());
  }
  info.id = run_id;
  info.suite_name = stmt->text(0);
  info.suite_path = stmt->text(1);
  const std::string status = stmt->text(2);
  auto parsed = run_status_from_name(status);
  if (!parsed) {
    return fail(ErrorCategory::store, "run " + run_id + " has an unknown status '" + status + "'");
  }
  info.status = *parsed;
  info.started_at = stmt->text(3);
  info.finished_at = stmt->text(4); // NULL reads as ""
  info.seed = static_cast<std::uint64_t>(stmt->integer(5));
  info.repeat = static_cast<int>(stmt->integer(6));
  info.case_count = stmt->integer(7);
  info.trial_count = stmt->integer(8);
  info.verdict = stmt->text(9);
  auto config = from_json_text(stmt->text(10), "the config of run " + run_id);
  if (!config) {
    return fail(config.error());
  }
  info.config = std::move(*config);
  auto options = from_json_text(stmt->text(11), "the options of run " + run_id);
  if (!options) {
    return fail(options.error());
  }
  info.options = options->is_object() ? std::move(*options) : Json::object();

  auto candidates = db.prepare("SELECT id, prompt_id, provider_id FROM candidates WHERE run_id = ?1 ORDER BY position");
  if (!candidates) {
    return fail(candidates.error());
  }
  candidates->bind_text(1, run_id);
  return each_row(*candidates, [&]() -> Result<void> {
    info.candidates.push_back(Candidate{candidates->text(0), candidates->text(1), candidates->text(2)});
    return {};
  });
}

Result<std::vector<EvaluatorSpec>> parse_evaluators(const Json& list, const std::string& what)
{
  std::vector<EvaluatorSpec> out;
  if (!list.is_array()) {
    return fail(ErrorCategory::store, what + " is not a JSON array");
  }
  for (const Json& item : list) {
    if (!item.is_object() || !item.value("type", Json()).is_string() || !item.value("name", Json()).is_string()) {
      return fail(ErrorCategory::store, what + " holds an entry without a type and name");
    }
    EvaluatorSpec spec;
    spec.type = item["type"].get<std::string>();
    spec.name = item["name"].get<std::string>();
    spec.config = item.value("config", Json::object());
    out.push_back(std::move(spec));
  }
  return out;
}

Result<void> read_cases(sqlite::Db& db, const std::string& run_id, std::vector<Case>& cases)
{
  auto stmt = db.prepare("SELECT id, dataset, row, vars, expected, context, tags, metadata, evaluators "
                         "FROM cases WHERE run_id = ?1 ORDER BY position");
  if (!stmt) {
    return fail(stmt.error());
  }
  stmt->bind_text(1, run_id);
  return each_row(*stmt, [&]() -> Result<void> {
    Case c;
    c.id = stmt->text(0);
    c.dataset = stmt->text(1);
    c.row = static_cast<long>(stmt->integer(2));
    c.expected = stmt->optional_text(4);
    c.location = Location{c.dataset, 0, 0, c.row, ""};
    const std::string what = "case " + c.id + " of run " + run_id;
    auto vars = from_json_text(stmt->text(3), "the vars of " + what);
    auto context = from_json_text(stmt->text(5), "the context of " + what);
    auto tags = from_json_text(stmt->text(6), "the tags of " + what);
    auto metadata = from_json_text(stmt->text(7), "the metadata of " + what);
    auto evaluators = from_json_text(stmt->text(8), "the evaluators of " + what);
    for (const auto* parsed : {&vars, &context, &tags, &metadata, &evaluators}) {
      if (!*parsed) {
        return fail(parsed->error());
      }
    }
    c.vars = std::move(*vars);
    c.context = std::move(*context);
    c.metadata = std::move(*metadata);
    for (const Json& tag : *tags) {
      if (!tag.is_string()) {
        return fail(ErrorCategory::store, "the tags of " + what + " hold a non-string value");
      }
      c.tags.push_back(tag.get<std::string>());
    }
    auto specs = parse_evaluators(*evaluators, "the evaluators of " + what);
    if (!specs) {
      return fail(specs.error());
    }
    c.evaluators = std::move(*specs);
    cases.push_back(std::move(c));
    return {};
  });
}

Result<void> read_trials(sqlite::Db& db, const std::string& run_id, std::vector<ScoredTrial>& trials)
{
  // Trials whose candidate or case is not part of the run (never written by evalgate, but
  // possible in a hand-edited file) still come back, after the others.
  auto stmt = db.prepare(
    "SELECT t.id, t.candidate_id, t.case_id, t.repeat_index, t.output, t.latency_ms, t.ttft_ms, t.prompt_tokens, "
    "t.completion_tokens, t.total_tokens, t.cost_usd, t.cache_hit, t.attempts, t.failure, t.error, t.cost_known, "
    "t.cached_tokens, t.provider_id "
    "FROM trials t "
    "LEFT JOIN candidates c ON c.run_id = t.run_id AND c.id = t.candidate_id "
    "LEFT JOIN cases k ON k.run_id = t.run_id AND k.id = t.case_id "
    "WHERE t.run_id = ?1 "
    "ORDER BY c.position IS NULL, c.position, k.position IS NULL, k.position, t.repeat_index, t.candidate_id, "
    "t.case_id");
  if (!stmt) {
    return fail(stmt.error());
  }
  stmt->bind_text(1, run_id);
  std::unordered_map<std::int64_t, std::size_t> index_of;
  auto read = each_row(*stmt, [&]() -> Result<void> {
    ScoredTrial scored;
    Trial& t = scored.trial;
    t.candidate_id = stmt->text(1);
    t.case_id = stmt->text(2);
    t.repeat_index = static_cast<int>(stmt->integer(3));
    t.output = stmt->text(4);
    t.latency_ms = stmt->real(5);
    t.ttft_ms = stmt->optional_real(6);
    t.usage = Usage{stmt->integer(7), stmt->integer(8), stmt->integer(9), stmt->integer(16)};
    if (stmt->integer(15) != 0) {
      t.cost_usd = stmt->real(10);
    }
    t.provider_id = stmt->text(17);
    t.cache_hit = stmt->integer(11) != 0;
    t.attempts = static_cast<int>(stmt->integer(12));
    const std::string failure = stmt->text(13);
    auto kind = failure_kind_from_name(failure);
    if (!kind) {
      return fail(ErrorCategory::store, "trial " + t.candidate_id + " / " + t.case_id + " of run " + run_id +
                                          " has an unknown failure kind '" + failure + "'");
    }
    t.failure = *kind;
    t.error = stmt->text(14);
    index_of.emplace(stmt->integer(0), trials.size());
    trials.push_back(std::move(scored));
    return {};
  });
  if (!read) {
    return read;
  }

  auto scores = db.prepare("SELECT s.trial_id, s.metric, s.value, s.pass, s.threshold, s.reason, s.cost_usd, s.error, s.details "
                           "FROM scores s JOIN trials t ON t.id = s.trial_id "
                           "WHERE t.run_id = ?1 ORDER BY s.trial_id, s.position");
  if (!scores) {
    return fail(scores.error());
  }
  scores->bind_text(1, run_id);
  return each_row(*scores, [&]() -> Result<void> {
    auto found = index_of.find(scores->integer(0));
    if (found == index_of.end()) {
      return {}; // cannot happen: the join selects this run's trials only
    }
    Score s;
    s.metric = scores->text(1);
    s.value = scores->real(2);
    s.pass = scores->integer(3) != 0;
    s.threshold = scores->optional_real(4);
    s.reason = scores->text(5);
    s.cost_usd = scores->real(6);
    s.error = scores->text(7);
    // Most scores have no details: skip the parser for the empty object.
    const std::string details = scores->text(8);
    s.details = details == "{}" ? Json::object() : Json::parse(details, nullptr, false);
    if (!s.details.is_object()) {
      s.details = Json::object();
    }
    trials[found->second].scores.push_back(std::move(s));
    return {};
  });
}

Result<void> read_gate(sqlite::Db& db, const std::string& run_id, std::vector<GateResult>& results)
{
  auto stmt = db.prepare("SELECT metric, candidate_id, check_name, observed, limit_value, passed, message "
                         "FROM gate_results WHERE run_id = ?1 ORDER BY position");
  if (!stmt) {
    return fail(stmt.error());
  }
  stmt->bind_text(1, run_id);
  return each_row(*stmt, [&]() -> Result<void> {
    results.push_back(GateResult{stmt->text(0), stmt->text(1), stmt->text(2), stmt->real(3), stmt->real(4),
                                 stmt->integer(5) != 0, stmt->text(6)});
    return {};
  });
}

} // namespace

namespace {

enum class Part { header, header_and_cases, everything };

Result<RunData> read_run(sqlite::Db& db, const std::string& run_id, const std::string& db_path, Part part)
{
  const std::string what = "cannot read run " + run_id + " from " + db_path;
  // One read transaction, so a writer committing meanwhile cannot tear the snapshot.
  if (auto begun = db.exec("BEGIN"); !begun) {
    return fail(in_context(begun.error(), what));
  }
  RunData data;
  Result<void> read = read_info(db, run_id, data.info);
  if (read && part != Part::header) {
    read = read_cases(db, run_id, data.cases);
  }
  if (read && part == Part::everything) {
    read = read_trials(db, run_id, data.trials);
  }
  if (read) {
    read = read_gate(db, run_id, data.gate_results);
  }
  (void)db.exec("COMMIT"); // read-only: nothing to lose if ending it fails
  if (!read) {
    return fail(in_context(read.error(), what));
  }
  return data;
}

} // namespace

Result<RunData> Store::load_run(const std::string& run_id)
{
  return read_run(m_impl->db, run_id, m_path, Part::everything);
}

Result<RunData> Store::load_run_header(const std::string& run_id, bool with_cases)
{
  return read_run(m_impl->db, run_id, m_path, with_cases ? Part::header_and_cases : Part::header);
}

} // namespace evalgate
