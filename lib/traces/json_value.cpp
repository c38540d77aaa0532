#include "traces/json_value.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace evalgate::traces {

Json to_json(simdjson::dom::element element)
{
  using simdjson::dom::element_type;
  switch (element.type()) {
  case element_type::OBJECT: {
    Json out = Json::object();
    for (auto field : simdjson::dom::object(element)) {
      out[std::string(field.key)] = to_json(field.value);
    }
    return out;
  }
  case element_type::ARRAY: {
    Json out = Json::array();
    for (auto item : simdjson::dom::array(element)) {
      out.push_back(to_json(item));
    }
    return out;
  }
  case element_type::STRING:
    return std::string(std::string_view(element));
  case element_type::INT64:
    return std::int64_t(element);
  case element_type::UINT64:
    return std::uint64_t(element);
  case element_type::DOUBLE:
    return double(element);
  case element_type::BOOL:
    return bool(element);
  case element_type::NULL_VALUE:
    return nullptr;
  }
  return nullptr;
}

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out)
{
  if (pos + count > text.size()) {
    return false;
  }
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return false;
    }
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c)
{
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

} // namespace

std::optional<std::int64_t> parse_iso8601_nanos(std::string_view text)
{
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') || !read_digits(text, pos, 2, month) ||
      !expect(text, pos, '-') || !read_digits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (!(expect(text, pos, 'T') || expect(text, pos, 't') || expect(text, pos, ' ')) ||
      !read_digits(text, pos, 2, hour) || !expect(text, pos, ':') || !read_digits(text, pos, 2, minute) ||
      !expect(text, pos, ':') || !read_digits(text, pos, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::int64_t nanos = 0;
  if (expect(text, pos, '.') || expect(text, pos, ',')) {
    int digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 9) {
        nanos = nanos * 10 + (text[pos] - '0');
      }
      ++digits;
      ++pos;
    }
    if (digits == 0) {
      return std::nullopt;
    }
    for (int i = digits; i < 9; ++i) {
      nanos *= 10;
    }
  }
  std::int64_t offset_seconds = 0;
  if (pos < text.size()) {
    const char zone = text[pos];
    if (zone == 'Z' || zone == 'z') {
      ++pos;
    } else if (zone == '+' || zone == '-') {
      ++pos;
      int oh = 0, om = 0;
      if (!read_digits(text, pos, 2, oh)) {
        return std::nullopt;
      }
      expect(text, pos, ':');
      if (pos < text.size() && !read_digits(text, pos, 2, om)) {
        return std::nullopt;
      }
      offset_seconds = (zone == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    }
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  const std::int64_t seconds =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hour * 3600 +
      minute * 60 + second - offset_seconds;
  // Nanoseconds since the epoch fit in int64 only between the years 1677 and 2262.
  std::int64_t result = 0;
  if (__builtin_mul_overflow(seconds, std::int64_t{1'000'000'000}, &result) ||
      __builtin_add_overflow(result, nanos, &result)) {
    return std::nullopt;
  }
  return result;
}

std::string repair_utf8(std::string_view text, std::size_t* replaced)
{
  std::string out;
  out.reserve(text.size());
  std::size_t count = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    std::size_t len = 0;
    std::uint32_t min = 0;
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      min = 0x10000;
    }
    bool ok = len > 0 && i + len <= n;
    std::uint32_t cp = len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; ok && k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        ok = false;
      } else {
        cp = (cp << 6) | (s[i + k] & 0x3Fu);
      }
    }
    if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (ok) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++count;
      ++i;
    }
  }
  if (replaced != nullptr) {
    *replaced = count;
  }
  return out;
}

bool is_hex(std::string_view text)
{
  for (char c : text) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) {
      return false;
    }
  }
  return !text.empty();
}

std::string to_lower(std::string_view text)
{
  // ASCII only and locale-free: ids and enum names, not prose.
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::optional<std::int64_t> parse_int64(std::string_view text)
{
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

std::string normalise_trace_id(std::string_view id)
{
  std::string out = to_lower(id);
  const bool uuid = out.size() == 36 && out[8] == '-' && out[13] == '-' && out[18] == '-' && out[23] == '-';
  if (uuid) {
    std::string compact;
    compact.reserve(32);
    for (char c : out) {
      if (c != '-') {
        compact.push_back(c);
      }
    }
    if (is_hex(compact)) {
      return compact;
    }
  }
  return out;
}

std::optional<std::int64_t> json_int(const Json& value)
{
  if (value.is_number_integer()) {
    return value.get<std::int64_t>();
  }
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
      return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
  }
  if (value.is_string()) {
    return parse_int64(value.get_ref<const std::string&>());
  }
  return std::nullopt;
}

std::optional<double> json_double(const Json& value)
{
  if (value.is_number()) {
    return value.get<double>();
  }
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (s == "NaN") {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (s == "Infinity") {
      return std::numeric_limits<double>::infinity();
    }
    if (s == "-Infinity") {
      return -std::numeric_limits<double>::infinity();
    }
    if (s.empty()) {
      return std::nullopt;
    }
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) {
      return std::nullopt;
    }
    return v;
  }
  return std::nullopt;
}

std::string json_string(const Json& value)
{
  return value.is_string() ? value.get<std::string>() : std::string();
}

const Json& member(const Json& object, std::string_view key)
{
  static const Json null_value;
  if (!object.is_object()) {
    return null_value;
  }
  auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

namespace {

// parse_json_text's parse: the same parser, whitespace rule and padding.
std::optional<simdjson::dom::element> parse_text_element(std::string_view s)
{
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) {
    ++i;
  }
  if (i == s.size() || (s[i] != '{' && s[i] != '[')) {
    return std::nullopt;
  }
  // One parser per thread: its buffers are reused across the many small documents of a file.
  thread_local simdjson::dom::parser parser;
  thread_local std::string scratch; // the text plus simdjson's padding, reused
  scratch.assign(s);
  scratch.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element element;
  if (parser.parse(scratch.data(), s.size(), false).get(element) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return element;
}

} // namespace

std::optional<Json> parse_json_text(std::string_view s)
{
  auto element = parse_text_element(s);
  if (!element) {
    return std::nullopt;
  }
  return to_json(*element);
}

std::optional<bool> json_text_is_array(std::string_view s)
{
  auto element = parse_text_element(s);
  if (!element) {
    return std::nullopt;
  }
  return element->is_array();
}

Json parse_if_json_text(const Json& value)
{
  if (!value.is_string()) {
    return value;
  }
  auto parsed = parse_json_text(value.get_ref<const std::string&>());
  return parsed ? std::move(*parsed) : value;
}

} // namespace evalgate::traces
