#pragma once
// cli/run_output: loading a stored run and writing it in the format a flag asked for; shared by
// `run` and `show`.

#include <ostream>
#include <string>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate::cli {

enum class OutputFormat { table, json };

// "table" | "json", else a usage error naming the flag.
Result<OutputFormat> parse_format(const std::string& text, const std::string& flag);
// --out FILE: the format follows the extension (.json); else a usage error.
Result<OutputFormat> format_for_path(const std::string& path);

Result<RunData> load_stored_run(const std::string& db_path, const std::string& run_id_or_latest);
void write_run(std::ostream& out, const RunData& run, OutputFormat format, const std::string& db_path);
Result<void> write_run_file(const std::string& path, const RunData& run, const std::string& db_path);

} // namespace evalgate::cli
