// JUnit XML: one <testsuite> per candidate, one <testcase> per case (repeats folded in), so CI
// test reporting (GitHub, GitLab, Jenkins) lists each failing case. Trial failures and errored
// scores are <error>; scores that did not pass are <failure> carrying their reasons. The shape
// is checked against tests/report/junit.xsd.

#include <fmt/format.h>

#include "report/markup.hpp"
#include "report/report.hpp"
#include "report/trial_groups.hpp"

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

} // namespace

void write_junit_report(std::ostream& out, const RunData& run)
{
  const auto all = report_detail::group_trials(run);
  const std::string suite = run.info.suite_name.empty() ? "evalgate" : run.info.suite_name;
  Counts total;
  std::vector<Counts> per;
  for (const auto& groups : all) {
    per.push_back(count(groups));
    total.tests += per.back().tests;
    total.failures += per.back().failures;
    total.errors += per.back().errors;
    total.seconds += per.back().seconds;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                     xml_escape("evalgate: " + suite), total.tests, total.failures, total.errors, total.seconds);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Counts& c = per[i];
    out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" "
                       "time=\"{:.3f}\" timestamp=\"{}\">\n",
                       xml_escape(all[i].candidate_id), c.tests, c.failures, c.errors, c.seconds,
                       xml_escape(junit_timestamp(run.info.started_at)));
    out << "    <properties>\n";
    out << fmt::format("      <property name=\"run_id\" value=\"{}\"/>\n", xml_escape(run.info.id));
    out << fmt::format("      <property name=\"verdict\" value=\"{}\"/>\n", xml_escape(run.info.verdict));
    out << "    </properties>\n";
    for (const CaseGroup& group : all[i].cases) {
      write_testcase(out, suite, group);
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

} // namespace evalgate
