#pragma once
// Helpers shared by the libFuzzer targets of tests/fuzz (docs/testing.md). A target fails by
// crashing: fuzz_check aborts with the broken invariant, which libFuzzer reports and saves.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace evalgate::fuzz {

inline void fuzz_check(bool ok, const char* invariant)
{
  if (!ok) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", invariant);
    std::abort();
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size)
{
  return {reinterpret_cast<const char*>(data), size};
}

// Deterministic chunk lengths for feeding a body to a stream decoder: the same input always splits
// the same way, so a crash reproduces from its saved file.
class Chunker {
public:
  explicit Chunker(std::uint32_t seed) : m_state(seed * 2654435761u + 1u) {}
  // 1..max_len bytes, skewed towards short chunks (where boundaries inside lines hurt most).
  std::size_t next(std::size_t max_len)
  {
    m_state = m_state * 1664525u + 1013904223u;
    const std::size_t cap = (m_state >> 28) < 12 ? 8 : 64;
    const std::size_t len = 1 + (m_state >> 8) % cap;
    return len < max_len ? len : max_len;
  }

private:
  std::uint32_t m_state;
};

} // namespace evalgate::fuzz
