// CSV: one row per trial × metric (a failed trial, which has no scores, is one row with an empty
// metric), for spreadsheets and pandas. Columns are documented in docs/reports.md.

#include <fmt/format.h>

#include "report/markup.hpp"
#include "report/report.hpp"
#include "report/trial_groups.hpp"

namespace evalgate {

namespace {

using report_detail::csv_text;

std::string number(double value) { return fmt::format("{}", value); }

std::string optional_number(const std::optional<double>& value) { return value ? number(*value) : ""; }

void write_header(std::ostream& out)
{
  out << "run_id,candidate_id,case_id,repeat,failure,latency_ms,prompt_tokens,completion_tokens,cost_usd,"
         "metric,value,pass,threshold,score_error,reason,output,trial_error\r\n";
}

void write_rows(std::ostream& out, const std::string& run_id, const ScoredTrial& scored)
{
  const Trial& t = scored.trial;
  const std::string trial_cells =
    fmt::format("{},{},{},{},{},{},{},{},{}", csv_text(run_id), csv_text(t.candidate_id), csv_text(t.case_id),
                t.repeat_index, t.ok() ? "" : failure_kind_name(t.failure), number(t.latency_ms),
                t.usage.prompt_tokens, t.usage.completion_tokens, optional_number(t.cost_usd));
  const std::string tail = fmt::format("{},{}", csv_text(t.output), csv_text(t.error));
  if (scored.scores.empty()) {
    out << trial_cells << ",,,,,,," << tail << "\r\n";
    return;
  }
  for (const Score& s : scored.scores) {
    out << trial_cells
        << fmt::format(",{},{},{},{},{},{},", csv_text(s.metric), s.errored() ? "" : number(s.value),
                       s.errored() ? "" : (s.pass ? "true" : "false"), optional_number(s.threshold),
                       csv_text(s.error), csv_text(s.reason))
        << tail << "\r\n";
  }
}

} // namespace

void write_csv_report(std::ostream& out, const RunData& run)
{
  write_header(out);
  for (const auto& candidate : report_detail::group_trials(run)) {
    for (const auto& group : candidate.cases) {
      for (const ScoredTrial* scored : group.trials) {
        write_rows(out, run.info.id, *scored);
      }
    }
  }
}

Result<void> stream_csv_report(std::ostream& out, const DigestedRun& run, Store& store)
{
  const std::string& id = run.run.info.id;
  auto unlisted = store.unlisted_trials(id);
  if (!unlisted) {
    return fail(unlisted.error());
  }
  if (*unlisted > 0) {
    // The store's order is not the per-case grouping then: group the whole run in memory.
    auto whole = store.load_run(id);
    if (!whole) {
      return fail(whole.error());
    }
    write_csv_report(out, *whole);
    return {};
  }
  write_header(out);
  return store.scan_trials(
    id,
    [&](const ScoredTrial& scored) -> Result<void> {
      write_rows(out, id, scored);
      return {};
    },
    Store::TrialFields::everything);
}

} // namespace evalgate

