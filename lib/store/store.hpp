#pragma once
// store/store: SQLite, the source of truth (DESIGN.md "Store schema"). Schema v1 with a
// meta(schema_version) row and forward-only migrations applied on open. WAL mode.
// A Store object owns one connection and is not thread-safe: use it from one thread. Writing
// trials during a run goes through TrialWriter (store/trial_writer.hpp), which owns its own
// connection on its own thread. May use: core.

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

inline constexpr int k_schema_version = 4;

struct RunListEntry {
  std::string id;
  std::string suite_name;
  RunStatus status = RunStatus::running;
  std::string started_at;
  std::string verdict;
  std::int64_t trials_done = 0;
  std::int64_t trial_count = 0;
};

// (candidate id, case id, repeat index): identifies a trial within a run.
using TrialKey = std::tuple<std::string, std::string, int>;

class Store {
public:
  // Opens or creates the database (parent folders created), applies migrations.
  static Result<std::unique_ptr<Store>> open(const std::string& path);
  // Copies the write-ahead log's committed pages into the database file (a passive checkpoint:
  // it never waits for a reader or the writer), on a connection of its own, so any thread may
  // call it while other connections work. The last connection to close does this anyway; done
  // beside other work, it leaves that close little to copy.
  static Result<void> checkpoint(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return m_path; }

  // The evalgate version recorded with runs created from now on (runs.evalgate_version); the
  // CLI passes its build version. Default "unknown".
  void set_evalgate_version(std::string version);

  // Inserts runs, candidates and cases rows for a new run; fills info.id (a new unique id) and
  // info.started_at.
  Result<void> create_run(RunInfo& info, const std::vector<Case>& cases)
  {
    return create_run(info, cases.size(), [&cases](std::size_t i) -> const Case& { return cases[i]; });
  }
  // The same, one case at a time by position, so a suite's compact CaseList is inserted without
  // ever holding its cases as structs; case_at's reference need only live until its next call.
  using CaseAt = std::function<const Case&(std::size_t)>;
  Result<void> create_run(RunInfo& info, std::size_t case_count, const CaseAt& case_at);
  // The runs and candidates rows only, the case ids checked unique as create_run does: a run's
  // requests need not wait for its case rows, which its TrialWriter inserts before any trial
  // (TrialWriter::CaseRows). Until then the run has no case rows and no trials: a run stopped
  // before they were written has runs.case_count > 0 and no cases, and a resume inserts them.
  using CaseIdAt = std::function<std::string_view(std::size_t)>;
  Result<void> create_run_without_cases(RunInfo& info, std::size_t case_count, const CaseIdAt& case_id_at);
  Result<void> set_run_status(const std::string& run_id, RunStatus status);
  Result<void> save_gate(const std::string& run_id, const std::string& verdict,
                         const std::vector<GateResult>& results);

  // "latest" resolves to the most recently started run. Error (category usage) for an unknown id.
  Result<std::string> resolve_run_id(const std::string& id_or_latest);
  Result<RunData> load_run(const std::string& run_id);
  // The run without its trials (RunData::trials always empty): info, gate results, and the cases
  // only when `with_cases`. With scan_trials, what readers of aggregates need, in memory that does
  // not grow with the number of trials. Errors as load_run.
  Result<RunData> load_run_header(const std::string& run_id, bool with_cases = false);

  // Receives one trial; an error stops the scan and is returned by it.
  using TrialVisitor = std::function<Result<void>(const ScoredTrial&)>;
  // What a scan reads: `aggregates` leaves Trial::output, Score::reason, Score::threshold and
  // Score::details empty (the fields that grow with the model's text); `everything` reads them
  // too, for reports that print every trial.
  enum class TrialFields { aggregates, everything };
  // Visits every trial of the run with its scores, in load_run's order, one at a time: the
  // ScoredTrial passed is valid only during the call (copy what you keep), so the memory of a
  // scan does not grow with the number of trials. One read transaction. Errors: store, and usage
  // for an unknown run.
  Result<void> scan_trials(const std::string& run_id, const TrialVisitor& visit,
                           TrialFields fields = TrialFields::aggregates);
  // Trials of the run whose candidate or case is not one of the run's (possible only in an
  // edited or foreign file): when 0, scan_trials' order is also candidate, case, repeat order, the
  // grouping of the per-case reports. Errors: store.
  Result<std::int64_t> unlisted_trials(const std::string& run_id);
  Result<std::vector<RunListEntry>> list_runs(int limit = 50);
  // Trials already stored for a run (for --resume: only the missing ones are run again).
  Result<std::set<TrialKey>> trial_keys(const std::string& run_id);

  struct Impl;

private:
  explicit Store(std::string path);
  std::string m_path;
  std::unique_ptr<Impl> m_impl;
};

} // namespace evalgate
