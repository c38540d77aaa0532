#include "engine/stored_run.hpp"

namespace evalgate {

Result<DigestedRun> digest_stored_run(Store& store, const std::string& run_id)
{
  auto header = store.load_run_header(run_id);
  if (!header) {
    return fail(header.error());
  }
  RunDigest digest(header->info);
  DigestedRun out{std::move(header).value(), std::move(digest)};
  auto scanned = store.scan_trials(run_id, [&out](const ScoredTrial& scored) -> Result<void> {
    out.digest.add(scored);
    return {};
  });
  if (!scanned) {
    return fail(scanned.error());
  }
  return out;
}

} // namespace evalgate
