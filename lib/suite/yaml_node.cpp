#include "suite/yaml_node.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>

#include <yaml-cpp/depthguard.h>

#include "core/json_depth.hpp"

namespace evalgate::suite_detail {

namespace {

bool is_plain(const YAML::Node& node) { return node.Tag() == "?" || node.Tag().empty(); }

bool all_of(std::string_view text, bool (*pred)(char))
{
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (!pred(c)) {
      return false;
    }
  }
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_octal(char c) { return c >= '0' && c <= '7'; }

// YAML 1.2 core schema float: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool looks_like_float(std::string_view s)
{
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    ++i;
  }
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) {
    ++i;
    ++digits;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
      ++digits;
    }
  }
  if (digits == 0) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
      ++i;
    }
    if (!all_of(s.substr(i), is_digit)) {
      return false;
    }
    i = s.size();
  }
  return i == s.size();
}

std::optional<Json> parse_integer(std::string_view s)
{
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'o')) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
    if (negative || s.front() == '+' || !all_of(digits, base == 16 ? is_hex : is_octal)) {
      return std::nullopt;
    }
  } else if (!all_of(digits, is_digit)) {
    return std::nullopt;
  }
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt; // too large: the caller falls back to a float
  }
  if (!negative) {
    if (magnitude <= static_cast<std::uint64_t>(INT64_MAX)) {
      return Json(static_cast<std::int64_t>(magnitude));
    }
    return Json(magnitude);
  }
  if (magnitude <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
    return Json(static_cast<std::int64_t>(0 - magnitude));
  }
  return std::nullopt;
}

} // namespace

bool valid_utf8(std::string_view text)
{
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        return false;
      }
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t k_min[] = {0, 0x80, 0x800, 0x10000};
    if (code < k_min[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

Result<YAML::Node> parse_yaml(const std::string& text, const std::string& display, bool json,
                              ErrorCategory category)
{
  try {
    return YAML::Load(text);
  } catch (const YAML::DeepRecursion&) {
    // yaml-cpp stops at 2000 levels of its own recursion with the message "bad file" and a mark
    // at the end of the input; point at the bracket that opens level 257 instead when there is one.
    Location where = file_location(display);
    if (auto deep = json_depth_exceeded(text)) {
      const auto line_start = text.rfind('\n', *deep);
      where.line = 1 + static_cast<int>(
                           std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(*deep), '\n'));
      where.column = 1 + static_cast<int>(*deep - (line_start == std::string::npos ? 0 : line_start + 1));
    }
    return fail(category,
                std::string(json ? "invalid JSON: " : "invalid YAML: ") + "nested deeper than " +
                    std::to_string(k_max_json_depth) + " levels",
                where);
  } catch (const YAML::ParserException& e) {
    Location where = file_location(display);
    if (e.mark.line >= 0) {
      where.line = e.mark.line + 1;
      where.column = e.mark.column + 1;
    }
    return fail(category, std::string(json ? "invalid JSON: " : "invalid YAML: ") + e.msg, where);
  } catch (const YAML::Exception& e) {
    return fail(category, std::string(json ? "invalid JSON: " : "invalid YAML: ") + e.msg, file_location(display));
  }
}

Location file_location(const std::string& display)
{
  Location where;
  where.file = display;
  return where;
}

Location row_location(const std::string& display, long row)
{
  Location where = file_location(display);
  where.row = row;
  return where;
}

Location node_location(const std::string& display, const YAML::Node& node)
{
  Location where = file_location(display);
  if (node.IsDefined()) {
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0 && mark.column >= 0) {
      where.line = mark.line + 1;
      where.column = mark.column + 1;
    }
  }
  return where;
}

std::string describe(const YAML::Node& node)
{
  if (is_nothing(node)) {
    return "null";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  if (node.IsMap()) {
    return "a mapping";
  }
  return "'" + node.Scalar() + "'";
}

bool is_nothing(const YAML::Node& node)
{
  if (!node.IsDefined() || node.IsNull()) {
    return true;
  }
  if (node.IsScalar() && is_plain(node)) {
    return plain_scalar_to_json(node.Scalar()).is_null();
  }
  return false;
}

Json plain_scalar_to_json(const std::string& text)
{
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    return false;
  }
  if (auto integer = parse_integer(text)) {
    return *integer;
  }
  if (looks_like_float(text)) {
    double value = 0;
    const char* begin = text.data() + (text.front() == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) {
      return value;
    }
  }
  return text;
}

namespace {

// The same depth bound as JSON text (core/json_depth.hpp): the value is copied and stored
// recursively later, and must not be able to exhaust the stack there.
Result<Json> to_json_at(const YAML::Node& node, const std::string& display, ErrorCategory category, int depth)
{
  if ((node.IsSequence() || node.IsMap()) && depth >= k_max_json_depth) {
    return fail(category, "nested deeper than " + std::to_string(k_max_json_depth) + " levels",
                node_location(display, node));
  }
  if (!node.IsDefined() || node.IsNull()) {
    return Json(nullptr);
  }
  if (node.IsScalar()) {
    if (!valid_utf8(node.Scalar())) {
      return fail(category, "invalid UTF-8 in a value", node_location(display, node));
    }
    if (is_plain(node) || node.Tag() == "tag:yaml.org,2002:int" || node.Tag() == "tag:yaml.org,2002:float" ||
        node.Tag() == "tag:yaml.org,2002:bool" || node.Tag() == "tag:yaml.org,2002:null") {
      return plain_scalar_to_json(node.Scalar());
    }
    return Json(node.Scalar());
  }
  if (node.IsSequence()) {
    Json out = Json::array();
    for (const auto& item : node) {
      auto converted = to_json_at(item, display, category, depth + 1);
      if (!converted) {
        return converted;
      }
      out.push_back(std::move(*converted));
    }
    return out;
  }
  Json out = Json::object();
  std::map<std::string, YAML::Node> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      return fail(category, "mapping keys must be plain names, got " + describe(it->first),
                  node_location(display, it->first));
    }
    const std::string& key = it->first.Scalar();
    if (!valid_utf8(key)) {
      return fail(category, "invalid UTF-8 in a key", node_location(display, it->first));
    }
    if (auto [previous, inserted] = seen.emplace(key, it->first); !inserted) {
      return fail(category, "duplicate key '" + key + "' (first at " + node_location(display, previous->second).str() + ")",
                  node_location(display, it->first));
    }
    auto converted = to_json_at(it->second, display, category, depth + 1);
    if (!converted) {
      return converted;
    }
    out[key] = std::move(*converted);
  }
  return out;
}

} // namespace

Result<Json> to_json(const YAML::Node& node, const std::string& display, ErrorCategory category)
{
  return to_json_at(node, display, category, 0);
}

} // namespace evalgate::suite_detail
