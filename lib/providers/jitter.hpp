#pragma once
// providers/jitter: the backoff jitter of retried calls. Jitter only has to decorrelate concurrent
// callers, not be reproducible (it never affects scores), so each call seeds a splitmix64 state
// from a process-wide counter: a std::random_device (an open/read of /dev/urandom, or a getrandom
// syscall) or an mt19937_64 seeding per call cost more than the rest of a request's bookkeeping.
// Thread-safe.

#include <atomic>
#include <cstdint>
#include <random>

namespace evalgate {

// A fresh, distinct state for one call.
inline std::uint64_t next_jitter_seed()
{
  static const std::uint64_t k_base = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  return k_base ^ (0x9E3779B97F4A7C15ULL * ++counter);
}

// A uniform draw in [0, 1) from splitmix64 (Steele, Lea & Flood 2014); advances `state`.
inline double next_jitter(std::uint64_t& state)
{
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

} // namespace evalgate
