#include "engine/shard.hpp"

#include <charconv>

namespace evalgate {

namespace {

bool parse_int(std::string_view text, int& out)
{
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

} // namespace

Result<ShardSpec> parse_shard(const std::string& text)
{
  const auto slash = text.find('/');
  ShardSpec shard;
  if (slash == std::string::npos || !parse_int(std::string_view(text).substr(0, slash), shard.index) ||
      !parse_int(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 || shard.index < 1 ||
      shard.index > shard.count) {
    return fail(ErrorCategory::usage,
                "--shard '" + text + "': expected I/N with 1 <= I <= N (e.g. --shard 2/4 runs the second of four)");
  }
  return shard;
}

Suite shard_of(const Suite& suite, const ShardSpec& shard)
{
  Suite out = suite;
  out.cases.clear();
  for (std::size_t k = static_cast<std::size_t>(shard.index - 1); k < suite.cases.size();
       k += static_cast<std::size_t>(shard.count)) {
    out.cases.push_back(suite.cases[k]);
  }
  return out;
}

} // namespace evalgate
