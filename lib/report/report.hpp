#pragma once
// report/report: renders a stored run for people and machines. Reads RunData (from the store)
// and stats; never the engine. May use: store, stats, core.

#include <ostream>
#include <string>

#include "core/types.hpp"
#include "store/store.hpp"

namespace evalgate {

struct TerminalOptions {
  bool color = false; // ANSI colours (caller decides: TTY and NO_COLOR unset)
  std::string db_path; // printed at the end so the user can find the run
};

// Table per candidate × metric (mean, pass rate, n, errors), trial failures per candidate, the
// gate verdict with each failing rule's observed value and limit, then the run id and DB path.
void write_terminal_report(std::ostream& out, const RunData& run, const TerminalOptions& options);

// The whole run as one JSON document: info, summaries, gate, every trial with its scores.
void write_json_report(std::ostream& out, const RunData& run);

// `evalgate runs`.
void write_run_list(std::ostream& out, const std::vector<RunListEntry>& runs);

} // namespace evalgate
