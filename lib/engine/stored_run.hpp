#pragma once
// engine/stored_run: a stored run read for the readers of aggregates (gate, terminal report,
// GitHub annotations): its header and one streaming pass of its trials into a RunDigest, so the
// memory used does not grow with the number of trials (Store::scan_trials).

#include <string>

#include "core/result.hpp"
#include "stats/run_digest.hpp"
#include "store/store.hpp"

namespace evalgate {

// Errors: store; usage for an unknown run id (resolve "latest" first).
Result<DigestedRun> digest_stored_run(Store& store, const std::string& run_id);

} // namespace evalgate
