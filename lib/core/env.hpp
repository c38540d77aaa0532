#pragma once
// core/env: `${NAME}` expansion from the process environment, for suite values that differ per
// machine (a mock provider's port, a local server's host). Keys never go through this: they are
// read from the environment by the provider itself and never stored.

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace evalgate {

// Replaces every ${NAME} (letters, digits, underscore) with the variable's value. An unset
// variable is an error (category config) naming it; "$" not followed by "{" is kept as is.
Result<std::string> expand_env(std::string_view text);

} // namespace evalgate
