#include "suite/suggest.hpp"

#include "core/suggest.hpp"


namespace evalgate::suite_detail {


std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string>& candidates)
{
  return nearest_name(typed, candidates);
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
