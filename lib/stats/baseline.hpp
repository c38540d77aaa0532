#pragma once
// stats/baseline: the baseline file, a run's per-case values written to be committed next to the
// suite and diffed in review. Format (docs/gate.md), keys sorted, one case per line:
//   {
//     "evalgate_baseline": 1,
//     "run": "20260101-...", "seed": 42, "suite": "support-bot",
//     "candidates": {
//       "v1/gpt": {
//         "contains": {
//           "case-1": {"pass":true,"repeats":1,"value":1},
//   ...
// Values are rounded to 6 decimals so a rerun with equal scores gives an identical file.
// May use: core.

#include <ostream>
#include <string>

#include "core/result.hpp"
#include "stats/case_values.hpp"

namespace evalgate {

inline constexpr int k_baseline_format = 1;

// Writes `table` (case_table of `run`) as a baseline file. Cases whose every score errored are
// left out: they have no value to hold a later run to.
void write_baseline(std::ostream& out, const RunInfo& run, const CaseTable& table);

// Reads a baseline file's text. `path` names the file in errors (category data), which give the
// line:column of a JSON syntax error, else the field path: "candidates.v1/gpt.contains.c2.value:
// expected a number in [0, 1], got \"x\"". The table's source is `path`.
Result<CaseTable> parse_baseline(const std::string& text, const std::string& path);

} // namespace evalgate
