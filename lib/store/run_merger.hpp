#pragma once
// store/run_merger: `evalgate merge OUT.db SHARD.db...` — the runs of `evalgate run --shard I/N`
// on N machines become one run, score for score, so gate, compare and reports work on it.
// Each shard file contributes its latest run. The shards must be the same suite (name, config
// snapshot, candidates, seed, repeat), cover 1..N exactly once, and be completed. The merged run
// lists cases in the whole suite's order and is stored ungated (verdict ""). May use: core.

#include <string>
#include <vector>

#include "core/result.hpp"

namespace evalgate {

struct MergeResult {
  std::string run_id;
  std::int64_t cases = 0;
  std::int64_t trials = 0;
};

// Errors: usage for shards that do not fit together (each message names the file), store for
// I/O. Nothing is written to `out_db` unless every shard checks out.
Result<MergeResult> merge_shards(const std::string& out_db, const std::vector<std::string>& shard_dbs,
                                 const std::string& evalgate_version);

} // namespace evalgate
