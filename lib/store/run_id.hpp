#pragma once
// store/run_id: timestamps and run ids as the store writes them. Timestamps are ISO 8601 UTC
// with milliseconds ("2024-05-01T12:34:56.789Z") so they sort as text. Run ids are
// "YYYYMMDD-HHMMSS-xxxxxx": the UTC start second plus 6 random hex digits, so they sort by time
// and two runs started in the same second still differ. Thread-safe.

#include <chrono>
#include <string>

namespace evalgate {

std::string iso8601_utc(std::chrono::system_clock::time_point when);
std::string iso8601_utc_now();
std::string new_run_id(std::chrono::system_clock::time_point when);

} // namespace evalgate
