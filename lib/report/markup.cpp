#include "report/markup.hpp"

#include <cstdint>

namespace evalgate::report_detail {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not one.
std::size_t utf8_length(std::string_view text, std::size_t i)
{
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead < 0x80) {
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  std::uint32_t code = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      return 0;
    }
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return length;
}

template <typename Escape> std::string escape_utf8(std::string_view text, Escape escape)
{
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_length(text, i);
    if (length == 0) {
      out += k_replacement;
      ++i;
      continue;
    }
    if (length == 1) {
      escape(text[i], out);
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

bool markup_escape(char c, std::string& out)
{
  switch (c) {
  case '&': out += "&amp;"; return true;
  case '<': out += "&lt;"; return true;
  case '>': out += "&gt;"; return true;
  case '"': out += "&quot;"; return true;
  case '\'': out += "&#39;"; return true;
  default: return false;
  }
}

} // namespace

std::string xml_escape(std::string_view text)
{
  return escape_utf8(text, [](char c, std::string& out) {
    if (markup_escape(c, out)) {
      return;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += k_replacement;
      return;
    }
    out += c;
  });
}

std::string html_escape(std::string_view text)
{
  return escape_utf8(text, [](char c, std::string& out) {
    if (!markup_escape(c, out)) {
      out += c;
    }
  });
}

std::string markdown_cell(std::string_view text)
{
  return escape_utf8(text, [](char c, std::string& out) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (c == '`' || c == '*' || c == '_' || c == '[' || c == ']' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else if (!markup_escape(c, out)) {
      out += c;
    }
  });
}

std::string valid_utf8_text(std::string_view text)
{
  return escape_utf8(text, [](char c, std::string& out) { out += c; });
}

std::string csv_number(std::string_view text) { return std::string(text); }

std::string csv_text(std::string_view text)
{
  // Invalid UTF-8 becomes U+FFFD as in every other report, so the file opens as UTF-8 everywhere.
  std::string value = valid_utf8_text(text);
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@')) {
    value.insert(value.begin(), '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    return value;
  }
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') {
      quoted += '"';
    }
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes)
{
  if (text.size() <= max_bytes) {
    return std::string(text);
  }
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(text.substr(0, cut)) + "…";
}

} // namespace evalgate::report_detail
