#pragma once
// The newest run of a test's store, loaded in full; a failed open or load fails the test.

#include <string>

#include "core/types.hpp"

namespace evalgate::testing {

RunData latest_run(const std::string& db);

} // namespace evalgate::testing
