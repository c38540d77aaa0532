#pragma once
// cli/baseline_source: what `--baseline` names, turned into per-case values. Shared by `run`,
// `gate` and `baseline save`.

#include <string>

#include "core/result.hpp"
#include "stats/case_values.hpp"

namespace evalgate::cli {

// VALUE is a baseline file when it ends in ".json" or names an existing file; else a run id in
// the database, or "latest": the most recently started run other than `exclude_run_id` (the run
// being gated, so `evalgate gate latest --baseline latest` compares with the run before).
// Errors: usage (unknown run, no earlier run), data (a malformed file).
Result<CaseTable> load_baseline(const std::string& value, const std::string& db_path,
                                const std::string& exclude_run_id = {});

} // namespace evalgate::cli
