#pragma once
// report/compare_report: `evalgate compare` rendered for a terminal, for Markdown (a PR comment)
// and as JSON. Layout documented in docs/reports.md. May use: store, stats, core.

#include <ostream>

#include "stats/run_comparison.hpp"

namespace evalgate {

// Per section (candidate pair): a metric table (A, B, delta with its interval, bootstrap p,
// McNemar p, win/tie/loss, shared cases), cases on one side only, the most regressed and
// improved cases with both outputs (truncated) and the scores' reasons, then latency and cost
// side by side. Model text is flattened to one line (no terminal escapes) and, in Markdown,
// escaped so it cannot break the table.
void write_compare_table(std::ostream& out, const RunComparison& comparison);
void write_compare_markdown(std::ostream& out, const RunComparison& comparison);
void write_compare_json(std::ostream& out, const RunComparison& comparison);
// One self-contained HTML page with the Markdown form's content; all text escaped, no script.
void write_compare_html(std::ostream& out, const RunComparison& comparison);

} // namespace evalgate
