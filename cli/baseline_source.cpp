#include "baseline_source.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/stored_run.hpp"
#include "stats/baseline.hpp"
#include "store/store.hpp"

namespace evalgate::cli {

namespace {

bool names_file(const std::string& value)
{
  const bool json = value.size() >= 5 && value.compare(value.size() - 5, 5, ".json") == 0;
  std::error_code ignored;
  return json || std::filesystem::is_regular_file(value, ignored);
}

Result<CaseTable> from_file(const std::string& path)
{
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return fail(ErrorCategory::usage, "--baseline " + path + ": cannot read the file");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return parse_baseline(text.str(), path);
}

} // namespace

Result<CaseTable> load_baseline(const std::string& value, const std::string& db_path,
                                const std::string& exclude_run_id)
{
  if (names_file(value)) {
    return from_file(value);
  }
  auto store = Store::open(db_path);
  if (!store) {
    return fail(store.error());
  }
  std::string id = value;
  if (value == "latest") {
    auto runs = (*store)->list_runs(2);
    if (!runs) {
      return fail(runs.error());
    }
    id.clear();
    for (const RunListEntry& entry : *runs) {
      if (entry.id != exclude_run_id) {
        id = entry.id;
        break;
      }
    }
    if (id.empty()) {
      return fail(ErrorCategory::usage,
                  "--baseline latest: " + db_path + " holds no earlier run to compare with");
    }
  }
  auto resolved = (*store)->resolve_run_id(id);
  if (!resolved) {
    return fail(ErrorCategory::usage, "--baseline " + value + ": " + resolved.error().message +
                                          " (give a run id, latest, or a baseline .json file)");
  }
  // max_drop reads only the values: one cursor pass, not the baseline run's trials in memory.
  auto run = digest_stored_run(**store, *resolved);
  if (!run) {
    return fail(run.error());
  }
  return run->digest.case_table();
}

} // namespace evalgate::cli
