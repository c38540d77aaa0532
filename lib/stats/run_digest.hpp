#pragma once
// stats/run_digest: a run reduced, in one pass over its trials, to what the summaries, the
// interval statistics, the gate and the terminal report compute from: counts and sums per
// candidate and per candidate × metric, per case × metric the repeat tallies, per ok trial its
// latency, tokens and cost (the percentiles need them all), and the distinct error messages with
// counts. It keeps no output, reason or per-trial string, so a run of any size can be summarised
// from a store cursor (Store::scan_trials) in memory that grows by a few numbers per trial.
// The RunData overloads of stats/summary.hpp and stats/run_stats.hpp feed the same digest from
// RunData::trials, so both paths give the same numbers bit for bit. May use: core.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/types.hpp"
#include "stats/case_values.hpp"
#include "stats/intervals.hpp"
#include "stats/run_stats.hpp"
#include "stats/summary.hpp"

namespace evalgate {

// One distinct error: a failed trial (kind != none: its failure kind and error text) or an
// errored score (kind == none: its metric and error text), with how often it occurred.
struct ErrorTally {
  FailureKind kind = FailureKind::none;
  std::string metric;
  std::string message;
  std::int64_t count = 0;
};

class RunDigest {
public:
  // Keeps info's id, seed and candidates (the known candidates come first in candidate_order).
  explicit RunDigest(const RunInfo& info);
  // Movable, not copyable: the case index holds views into the digest's own strings.
  RunDigest(RunDigest&&) = default;
  RunDigest& operator=(RunDigest&&) = default;
  RunDigest(const RunDigest&) = delete;
  RunDigest& operator=(const RunDigest&) = delete;

  // Adds one trial. Trials must come in the store's order (Store::load_run / scan_trials) for
  // first-seen orders and sums to match the RunData functions; only fields a scan reads are used.
  void add(const ScoredTrial& scored);

  const std::string& run_id() const { return m_run_id; }
  std::uint64_t seed() const { return m_seed; }
  std::int64_t trial_count() const { return m_trials; }

  // As the RunData functions of the same names (stats/summary.hpp, stats/run_stats.hpp).
  const std::vector<std::string>& candidate_order() const { return m_candidates; }
  std::vector<MetricSummary> metric_summaries() const;
  std::vector<CandidateSummary> candidate_summaries() const;
  std::vector<MetricStats> metric_stats(int resamples = k_default_resamples) const;
  std::vector<CandidateStats> candidate_stats() const;

  // Failed trials of a candidate by failure kind; empty for an unknown candidate.
  std::map<FailureKind, std::int64_t> failure_kinds(const std::string& candidate_id) const;
  // Trials and failed trials of a candidate (0, 0 for an unknown one).
  std::int64_t trials_of(const std::string& candidate_id) const;
  std::int64_t failed_trials_of(const std::string& candidate_id) const;
  // Latencies of a candidate's ok trials, in trial order.
  std::vector<double> ok_latencies(const std::string& candidate_id) const;
  // Distinct errors in first-seen order (trial failure before its scores' errors).
  const std::vector<ErrorTally>& errors() const { return m_errors; }

  // case_table(run)'s entry for one candidate × metric, without outputs and reasons; nullopt
  // when the candidate has no score for the metric.
  std::optional<std::map<std::string, CaseValue>> case_values(const std::string& candidate_id,
                                                              const std::string& metric) const;
  // case_table(run) without outputs and reasons: what the gate's max_drop reads of a baseline run.
  CaseTable case_table() const;

private:
  // One candidate × metric × case: the repeat tallies of case_values.hpp's CaseValue.
  struct Cell {
    double sum = 0;
    std::uint32_t scored = 0;
    std::uint32_t passes = 0;
    std::uint32_t errors = 0;

    std::uint32_t repeats() const { return scored + errors; }
  };
  // The cells of one candidate × metric by case slot, in one byte a cell for the usual cell of
  // a pass/fail metric (a value of 1 when it passes and 0 when not, so its sum is its pass count,
  // and at most 7 scored and 3 errored repeats): at 50,000 cases × 8 columns that is 400 KB where
  // 11 bytes a cell took 4.4 MB. Any other cell (a graded value, more repeats) is kept, from the
  // first such cell on, in the dense form beside the bytes: the sum, and the three counts in a
  // byte each while they fit; a cell that reaches 255 of one is kept whole in `wide`.
  struct Cells {
    std::vector<std::uint8_t> codes; // 0 = no repeat yet; k_dense = in sums/counts; else packed
    std::vector<double> sums;        // the dense form, allocated on the first cell that needs it
    std::vector<std::array<std::uint8_t, 3>> counts; // scored, passes, errors; {255, ..} = in wide
    std::unordered_map<std::uint32_t, Cell> wide;
    std::size_t hint = 0; // the run's case count: what the dense form reserves when first used

    static constexpr std::uint8_t k_dense = 255;
    std::size_t size() const { return codes.size(); }
    Cell get(std::uint32_t slot) const; // a default Cell past the end
    void put(std::uint32_t slot, const Cell& cell);
  };
  struct Column {
    std::string metric;
    MetricSummary summary; // n, errors, passes so far; mean and pass_rate filled on read
    double value_sum = 0;
    Cells cells; // by case slot; repeats() == 0 = the case has no score here
    // Non-errored values of the cells holding two or more (by slot), in trial order, for the
    // repeat standard deviation; a cell with one value has it as its sum.
    std::unordered_map<std::uint32_t, std::vector<double>> repeat_values;
  };
  struct CandidateTotals {
    std::int64_t trials = 0;
    std::int64_t failed = 0;
    std::int64_t ok = 0;
    double latency_sum = 0;
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    double cost_usd = 0;       // summarize_candidates' order: trial cost, then its scores'
    double known_cost_usd = 0; // candidate_stats' order: the scores' costs, then the trial's
    std::int64_t unknown_cost_trials = 0;
    std::int64_t cost_unknown_ok = 0;
    std::int64_t cache_hits = 0;
    std::map<FailureKind, std::int64_t> failure_kinds;
    std::vector<double> latency, tokens, cost; // ok trials (cost: known only)
    std::vector<Column> columns;               // metrics in first-seen order
    std::unordered_map<std::string, std::size_t> column_of;
  };

  std::size_t candidate_index(const std::string& id);
  std::uint32_t case_slot(const std::string& id);
  void add_score(std::size_t candidate, std::uint32_t slot, const Score& score);
  void add_error(FailureKind kind, const std::string& metric, const std::string& message);
  std::vector<std::uint32_t> slots_by_id() const;
  const CandidateTotals* find(const std::string& candidate_id) const;

  std::string m_run_id;
  std::uint64_t m_seed = 0;
  std::int64_t m_trials = 0;
  std::vector<std::string> m_candidates;
  std::vector<CandidateTotals> m_totals; // parallel to m_candidates
  std::unordered_map<std::string, std::size_t> m_candidate_index;
  // Case ids by slot, viewing into m_id_chunks (each reserved once, never appended past its
  // capacity, so the views stay valid), and an open-addressing index of slot + 1 (0 = empty) at
  // most half full: ~32 bytes a case where a deque of strings and a node map took ~100.
  std::vector<std::string> m_id_chunks;
  std::vector<std::string_view> m_case_ids;
  std::vector<std::uint32_t> m_case_index;
  std::size_t m_case_hint = 0; // the run's case count: sizes the cells and the index up front
  std::vector<ErrorTally> m_errors;
  std::map<std::tuple<FailureKind, std::string, std::string>, std::size_t> m_error_index;
};

// Every trial of `run` added in RunData order.
RunDigest digest_of(const RunData& run);

// A run as the aggregate-only readers (terminal report, gate, GitHub annotations) take it:
// `run` holds the info and gate results (no trials; cases only when the reader asked for them),
// `digest` stands for the trials.
struct DigestedRun {
  RunData run;
  RunDigest digest;
};

} // namespace evalgate
