#include "core/json_depth.hpp"

namespace evalgate {

std::optional<std::size_t> json_depth_exceeded(std::string_view text, int max_depth)
{
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i; // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return i;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

std::string json_depth_message(std::size_t offset)
{
  return "nested deeper than " + std::to_string(k_max_json_depth) + " levels (byte " +
         std::to_string(offset + 1) + ")";
}

Json parse_json_bounded(std::string_view text)
{
  if (json_depth_exceeded(text)) {
    return Json(Json::value_t::discarded);
  }
  return Json::parse(text, nullptr, false);
}

} // namespace evalgate
