#include "evaluators/text.hpp"

#include <cmath>

#include <fmt/format.h>

namespace evalgate {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Byte length of the code point starting at text[pos]; invalid lead bytes count as one byte.
std::size_t code_point_bytes(std::string_view text, std::size_t pos)
{
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t need = 1;
  if (lead >= 0xF0 && lead <= 0xF4) {
    need = 4;
  } else if (lead >= 0xE0) {
    need = lead <= 0xEF ? 3 : 1;
  } else if (lead >= 0xC2) {
    need = 2;
  }
  if (pos + need > text.size()) {
    return 1;
  }
  for (std::size_t i = 1; i < need; ++i) {
    if (!is_continuation(static_cast<unsigned char>(text[pos + i]))) {
      return 1;
    }
  }
  return need;
}

std::string cut(std::string_view text, std::size_t max_chars)
{
  std::string out;
  std::size_t pos = 0;
  std::size_t chars = 0;
  while (pos < text.size()) {
    if (chars == max_chars) {
      out += "…";
      break;
    }
    const std::size_t n = code_point_bytes(text, pos);
    const std::string_view piece = text.substr(pos, n);
    if (piece == "\n") {
      out += "\\n";
    } else if (piece == "\r") {
      out += "\\r";
    } else if (piece == "\t") {
      out += "\\t";
    } else {
      out.append(piece);
    }
    pos += n;
    ++chars;
  }
  return out;
}

} // namespace

std::size_t utf8_length(std::string_view text)
{
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < text.size(); pos += code_point_bytes(text, pos)) {
    ++count;
  }
  return count;
}

std::string in_quotes(std::string_view text, std::size_t max_chars) { return "'" + cut(text, max_chars) + "'"; }

std::string json_snippet(const Json& value, std::size_t max_chars)
{
  return cut(value.dump(-1, ' ', false, Json::error_handler_t::replace), max_chars);
}

std::string ascii_lower(std::string_view text)
{
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string format_number(double value)
{
  if (std::isfinite(value) && value == std::round(value) && std::fabs(value) < 1e15) {
    return fmt::format("{:.0f}", value);
  }
  return fmt::format("{}", value);
}

std::vector<std::string> split_commas(std::string_view text)
{
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) {
      comma = text.size();
    }
    std::string_view part = text.substr(start, comma - start);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) {
      part.remove_prefix(1);
    }
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) {
      part.remove_suffix(1);
    }
    if (!part.empty()) {
      parts.emplace_back(part);
    }
    start = comma + 1;
  }
  return parts;
}

std::string quoted_list(const std::vector<std::string>& items)
{
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out += ", ";
    }
    out += in_quotes(item);
  }
  return out;
}

} // namespace evalgate
