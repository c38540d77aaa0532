#include "suite/suggest.hpp"

#include <algorithm>

namespace evalgate::suite_detail {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b)
{
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

} // namespace

std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string>& candidates)
{
  const std::size_t limit = std::max<std::size_t>(2, typed.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(typed, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string join(const std::vector<std::string>& names, std::string_view separator)
{
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) {
      out += separator;
    }
    out += name;
  }
  return out;
}

std::string unknown_name_message(std::string_view what, std::string_view typed,
                                 const std::vector<std::string>& sorted_names)
{
  std::string message = "unknown " + std::string(what) + " '" + std::string(typed) + "'";
  if (auto guess = nearest(typed, sorted_names)) {
    message += ", did you mean '" + *guess + "'?";
  } else {
    message += ";";
  }
  message += " expected one of: " + join(sorted_names);
  return message;
}

} // namespace evalgate::suite_detail
