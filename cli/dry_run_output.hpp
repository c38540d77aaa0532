#pragma once
// cli/dry_run_output: prints `evalgate run --dry-run`'s plan (engine/dry_run.hpp) on stdout.

#include <ostream>

#include "engine/dry_run.hpp"

namespace evalgate::cli {

void write_dry_run(std::ostream& out, const DryRunPlan& plan);

} // namespace evalgate::cli
