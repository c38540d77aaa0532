#include "store/run_id.hpp"

#include <ctime>
#include <mutex>
#include <random>

#include <fmt/format.h>

namespace evalgate {

namespace {

std::tm utc_fields(std::chrono::system_clock::time_point when)
{
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm fields{};
  gmtime_r(&seconds, &fields);
  return fields;
}

} // namespace

std::string iso8601_utc(std::chrono::system_clock::time_point when)
{
  const std::tm t = utc_fields(when);
  const auto millis =
    std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                     t.tm_hour, t.tm_min, t.tm_sec, millis < 0 ? millis + 1000 : millis);
}

std::string iso8601_utc_now() { return iso8601_utc(std::chrono::system_clock::now()); }

std::string new_run_id(std::chrono::system_clock::time_point when)
{
  // Run ids need to be unique, not unpredictable: one seeded engine behind a mutex is enough.
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::uint64_t suffix = 0;
  {
    const std::lock_guard lock(mutex);
    suffix = engine() & 0xffffffu;
  }
  const std::tm t = utc_fields(when);
  return fmt::format("{:04}{:02}{:02}-{:02}{:02}{:02}-{:06x}", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                     t.tm_hour, t.tm_min, t.tm_sec, suffix);
}

} // namespace evalgate
