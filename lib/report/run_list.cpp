// `evalgate runs`: one row per stored run, newest first as the store returns them.

#include <fmt/format.h>

#include "report/report.hpp"
#include "report/text_table.hpp"

namespace evalgate {

using report_detail::Align;
using report_detail::TextTable;

void write_run_list(std::ostream& out, const std::vector<RunListEntry>& runs)
{
  if (runs.empty()) {
    out << "no runs yet (start one with `evalgate run`)\n";
    return;
  }
  TextTable table({
      {"id", Align::left, 0},
      {"suite", Align::left, 32},
      {"status", Align::left, 0},
      {"verdict", Align::left, 0},
      {"trials", Align::right, 0},
      {"started", Align::left, 0},
  });
  for (const RunListEntry& run : runs) {
    table.add_row({run.id, run.suite_name, run_status_name(run.status),
                   run.verdict.empty() ? "-" : run.verdict,
                   fmt::format("{}/{}", run.trials_done, run.trial_count),
                   run.started_at.empty() ? "-" : run.started_at});
  }
  table.write(out);
}

} // namespace evalgate
