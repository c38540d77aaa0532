#pragma once
// store/cache_key_hash: the 64-bit identity of a response-cache key, the `cache.key_hash` column
// (unique, indexed) and the cache's filter fingerprint. The keys the provider layer makes are
// "v1:" + hex SHA-256, whose first 16 hex digits are already uniformly spread: they are the hash,
// read without hashing. Any other text is hashed (FNV-1a). Two keys with the same hash share one
// cache slot, the later write replacing the earlier: the earlier then misses (lookups compare the
// whole key), never answers for the wrong request; at a million v1 keys the chance that any two
// collide is ~3 in 10^8. Stored in databases: changing it needs a schema migration. May use: core.

#include <bit>
#include <cstdint>
#include <string_view>

namespace evalgate {

inline std::int64_t cache_key_hash(std::string_view key)
{
  constexpr std::string_view k_prefix = "v1:";
  constexpr std::size_t k_digits = 16;
  if (key.size() >= k_prefix.size() + k_digits && key.substr(0, k_prefix.size()) == k_prefix) {
    std::uint64_t value = 0;
    bool hex = true;
    for (char c : key.substr(k_prefix.size(), k_digits)) {
      const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      hex = hex && digit >= 0;
      value = value << 4 | static_cast<std::uint64_t>(digit < 0 ? 0 : digit);
    }
    if (hex) {
      return std::bit_cast<std::int64_t>(value);
    }
  }
  std::uint64_t value = 14695981039346656037ull; // FNV-1a 64
  for (unsigned char c : key) {
    value = (value ^ c) * 1099511628211ull;
  }
  return std::bit_cast<std::int64_t>(value);
}

} // namespace evalgate
