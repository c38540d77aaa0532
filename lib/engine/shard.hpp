#pragma once
// engine/shard: `evalgate run --shard I/N` splits a suite's cases over N machines. Case k (0-based,
// in dataset order) belongs to shard (k mod N) + 1: deterministic, balanced to within one case,
// and a shard's j-th case is case j*N + (I-1) of the whole suite, which is how `evalgate merge`
// restores the suite's order.

#include <string>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

struct ShardSpec {
  int index = 1; // 1-based
  int count = 1;
};

// "2/4" → {2, 4}; anything else (0/4, 5/4, "2", "a/b") is a usage error naming --shard.
Result<ShardSpec> parse_shard(const std::string& text);

// The suite with only the shard's cases (everything else unchanged).
Suite shard_of(const Suite& suite, const ShardSpec& shard);

// Position in the whole suite of the shard's `local` case.
inline std::int64_t global_case_position(std::int64_t local, const ShardSpec& shard)
{
  return local * shard.count + (shard.index - 1);
}

} // namespace evalgate
