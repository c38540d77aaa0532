// JUnit XML: one <testsuite> per candidate, one <testcase> per case (repeats folded in), so CI
// test reporting (GitHub, GitLab, Jenkins) lists each failing case. Trial failures and errored
// scores are <error>; scores that did not pass are <failure> carrying their reasons. The shape
// is checked against tests/report/junit.xsd.

#include <unordered_map>

#include <fmt/format.h>

#include "report/markup.hpp"
#include "report/report.hpp"
#include "report/trial_groups.hpp"
#include "stats/run_digest.hpp"

namespace evalgate {

namespace {

using report_detail::CaseGroup;
using report_detail::xml_escape;

struct Counts {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  double seconds = 0;
};

double group_seconds(const CaseGroup& group)
{
  double ms = 0;
  for (const ScoredTrial* t : group.trials) {
    ms += t->trial.latency_ms;
  }
  return ms / 1000.0;
}

std::string repeat_prefix(const CaseGroup& group, const ScoredTrial& t)
{
  return group.trials.size() > 1 ? fmt::format("repeat {}: ", t.trial.repeat_index) : "";
}

void write_testcase(std::ostream& out, const std::string& suite, const CaseGroup& group)
{
  out << fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", xml_escape(suite + "." + group.candidate_id),
                     xml_escape(group.case_id), group_seconds(group));
  if (!group.has_error() && !group.has_failure()) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  std::string errors;
  std::string failures;
  std::string first_error;
  std::string first_failure;
  for (const ScoredTrial* t : group.trials) {
    const std::string prefix = repeat_prefix(group, *t);
    if (!t->trial.ok()) {
      const std::string line =
        fmt::format("{}{}: {}", prefix, failure_kind_name(t->trial.failure), t->trial.error);
      errors += line + "\n";
      first_error = first_error.empty() ? line : first_error;
    }
    for (const Score& s : t->scores) {
      if (s.errored()) {
        const std::string line = fmt::format("{}{}: score error: {}", prefix, s.metric, s.error);
        errors += line + "\n";
        first_error = first_error.empty() ? line : first_error;
      } else if (!s.pass) {
        const std::string threshold = s.threshold ? fmt::format(" (threshold {:.3f})", *s.threshold) : "";
        const std::string line = fmt::format("{}{} = {:.3f}{}: {}", prefix, s.metric, s.value, threshold, s.reason);
        failures += line + "\n";
        first_failure = first_failure.empty() ? line : first_failure;
      }
    }
  }
  if (!failures.empty()) {
    out << fmt::format("      <failure type=\"score\" message=\"{}\">{}</failure>\n", xml_escape(first_failure),
                       xml_escape(failures));
  }
  if (!errors.empty()) {
    out << fmt::format("      <error type=\"error\" message=\"{}\">{}</error>\n", xml_escape(first_error),
                       xml_escape(errors));
  }
  const ScoredTrial* shown = group.trials.front();
  if (!shown->trial.output.empty()) {
    out << fmt::format("      <system-out>{}</system-out>\n",
                       xml_escape(report_detail::truncate_utf8(shown->trial.output, 4096)));
  }
  out << "    </testcase>\n";
}

// JUnit schemas want a local date-time without zone or fraction: "2024-05-01T10:00:00".
std::string junit_timestamp(const std::string& iso)
{
  return iso.size() >= 19 ? iso.substr(0, 19) : "1970-01-01T00:00:00";
}

Counts count(const report_detail::CandidateGroups& groups)
{
  Counts c;
  for (const CaseGroup& group : groups.cases) {
    ++c.tests;
    if (group.has_error()) {
      ++c.errors;
    } else if (group.has_failure()) {
      ++c.failures;
    }
    c.seconds += group_seconds(group);
  }
  return c;
}

void write_head(std::ostream& out, const std::string& suite, const Counts& total)
{
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                     xml_escape("evalgate: " + suite), total.tests, total.failures, total.errors, total.seconds);
}

void open_suite(std::ostream& out, const RunInfo& info, const std::string& candidate_id, const Counts& c)
{
  out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" "
                     "time=\"{:.3f}\" timestamp=\"{}\">\n",
                     xml_escape(candidate_id), c.tests, c.failures, c.errors, c.seconds,
                     xml_escape(junit_timestamp(info.started_at)));
  out << "    <properties>\n";
  out << fmt::format("      <property name=\"run_id\" value=\"{}\"/>\n", xml_escape(info.id));
  out << fmt::format("      <property name=\"verdict\" value=\"{}\"/>\n", xml_escape(info.verdict));
  out << "    </properties>\n";
}

Counts add_up(const std::vector<Counts>& per)
{
  Counts total;
  for (const Counts& c : per) {
    total.tests += c.tests;
    total.failures += c.failures;
    total.errors += c.errors;
    total.seconds += c.seconds;
  }
  return total;
}

// One candidate × case group as it streams by: its trials' tallies (pass 1) or its trials (pass 2).
struct StreamGroup {
  std::string candidate_id;
  std::string case_id;
  double ms = 0;
  bool error = false;
  bool failure = false;
  std::vector<ScoredTrial> trials;

  bool same(const Trial& t) const { return t.candidate_id == candidate_id && t.case_id == case_id; }
};

} // namespace

void write_junit_report(std::ostream& out, const RunData& run)
{
  const auto all = report_detail::group_trials(run);
  const std::string suite = run.info.suite_name.empty() ? "evalgate" : run.info.suite_name;
  std::vector<Counts> per;
  for (const auto& groups : all) {
    per.push_back(count(groups));
  }
  write_head(out, suite, add_up(per));
  for (std::size_t i = 0; i < all.size(); ++i) {
    open_suite(out, run.info, all[i].candidate_id, per[i]);
    for (const CaseGroup& group : all[i].cases) {
      write_testcase(out, suite, group);
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

Result<void> stream_junit_report(std::ostream& out, const DigestedRun& run, Store& store)
{
  const RunInfo& info = run.run.info;
  auto unlisted = store.unlisted_trials(info.id);
  if (!unlisted) {
    return fail(unlisted.error());
  }
  if (*unlisted > 0) {
    // The store's order is not the per-case grouping then: group the whole run in memory.
    auto whole = store.load_run(info.id);
    if (!whole) {
      return fail(whole.error());
    }
    whole->info.verdict = info.verdict;
    whole->gate_results = run.run.gate_results;
    write_junit_report(out, *whole);
    return {};
  }
  // Every trial's candidate is listed: candidate_order is the run's candidates, in store order.
  const std::vector<std::string>& order = run.digest.candidate_order();
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < order.size(); ++i) {
    index.emplace(order[i], i);
  }
  const std::string suite = info.suite_name.empty() ? "evalgate" : info.suite_name;

  // Pass 1: the counts every <testsuite> carries before its test cases.
  std::vector<Counts> per(order.size());
  StreamGroup tally;
  const auto close_tally = [&] {
    Counts& c = per[index.at(tally.candidate_id)];
    ++c.tests;
    c.errors += tally.error ? 1 : 0;
    c.failures += !tally.error && tally.failure ? 1 : 0;
    c.seconds += tally.ms / 1000.0;
  };
  bool any = false;
  auto counted = store.scan_trials(info.id, [&](const ScoredTrial& t) -> Result<void> {
    if (!any || !tally.same(t.trial)) {
      if (any) {
        close_tally();
      }
      tally = StreamGroup{t.trial.candidate_id, t.trial.case_id, 0, false, false, {}};
      any = true;
    }
    tally.ms += t.trial.latency_ms;
    tally.error = tally.error || !t.trial.ok();
    for (const Score& s : t.scores) {
      tally.error = tally.error || s.errored();
      tally.failure = tally.failure || (!s.errored() && !s.pass);
    }
    return {};
  });
  if (!counted) {
    return counted;
  }
  if (any) {
    close_tally();
  }

  // Pass 2: one case's trials at a time, suites opened in candidate order (empty ones too).
  write_head(out, suite, add_up(per));
  std::size_t next_suite = 0; // the next candidate whose <testsuite> is not yet open
  const auto open_through = [&](std::size_t candidate) {
    for (; next_suite <= candidate; ++next_suite) {
      if (next_suite > 0) {
        out << "  </testsuite>\n";
      }
      open_suite(out, info, order[next_suite], per[next_suite]);
    }
  };
  StreamGroup group;
  const auto write_group = [&] {
    if (group.trials.empty()) {
      return;
    }
    CaseGroup shown{group.candidate_id, group.case_id, {}};
    for (const ScoredTrial& t : group.trials) {
      shown.trials.push_back(&t);
    }
    open_through(index.at(group.candidate_id));
    write_testcase(out, suite, shown);
  };
  auto written = store.scan_trials(
    info.id,
    [&](const ScoredTrial& t) -> Result<void> {
      if (group.trials.empty() || !group.same(t.trial)) {
        write_group();
        group = StreamGroup{t.trial.candidate_id, t.trial.case_id, 0, false, false, {}};
      }
      group.trials.push_back(t);
      return {};
    },
    Store::TrialFields::everything);
  if (!written) {
    return written;
  }
  write_group();
  if (!order.empty()) {
    open_through(order.size() - 1);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return {};
}

} // namespace evalgate
