#pragma once
// engine/provider_check: what `evalgate validate` learns by building every provider and judge client
// the way `run` does, on a transport that sends nothing: option values (stream, pricing, headers,
// fallback, type-specific keys) are checked by the same factories, so a bad value is reported before
// any run. A missing API key or ${VAR} is not an error here (suites are validated where keys are
// absent), only a note of what `run` will need.

#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

struct ProviderCheck {
  // One line per provider that needs an environment variable this process lacks (its API key, a
  // ${VAR} in base_url or headers), worded as `run` would fail with it.
  std::vector<std::string> missing_variables;
};

// Errors: category config at the provider's location, worded as `run` words them.
Result<ProviderCheck> check_providers(const Suite& suite);

} // namespace evalgate
