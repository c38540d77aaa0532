#pragma once
// report/stats_report: the statistics block of the run reports (terminal and JSON): intervals per
// candidate × metric, latency/tokens/cost percentiles per candidate, flaky cases. Internal to
// report/; kept apart from terminal_report.cpp and json_report.cpp so those stay small.
// May use: store, stats, core.

#include <ostream>

#include <nlohmann/json.hpp>

#include "core/types.hpp"
#include "stats/run_digest.hpp"

namespace evalgate::report_detail {

// "95% intervals" lines, a latency line per candidate, and the flaky cases when any exist.
void write_stat_lines(std::ostream& out, const RunDigest& run);
// {"bootstrap": {...}, "metrics": [...], "candidates": [...]}; see docs/reports.md.
nlohmann::ordered_json stats_json(const RunData& run);
nlohmann::ordered_json stats_json(const RunDigest& run);

} // namespace evalgate::report_detail
