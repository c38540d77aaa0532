#include "evaluators/heuristic/unicode_text.hpp"

namespace evalgate {

namespace {

constexpr char32_t k_replacement = 0xFFFD;

bool continuation(unsigned char c)
{
  return (c & 0xC0) == 0x80;
}

} // namespace

std::u32string decode_utf8(std::string_view text)
{
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t need = 0;
    char32_t cp = 0;
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
      need = 1;
      cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      need = 2;
      cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      need = 3;
      cp = lead & 0x07;
    } else {
      out.push_back(k_replacement);
      ++i;
      continue;
    }
    bool ok = i + need < text.size();
    for (std::size_t k = 1; ok && k <= need; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if (!continuation(c)) {
        ok = false;
      } else {
        cp = (cp << 6) | (c & 0x3F);
      }
    }
    // Overlong, surrogate and out-of-range forms are invalid too.
    if (ok && ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
               (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (!ok) {
      out.push_back(k_replacement);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += need + 1;
  }
  return out;
}

std::string encode_utf8(std::u32string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool is_unicode_space(char32_t c)
{
  if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) {
    return true;
  }
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_word_char(char32_t c)
{
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  if (is_unicode_space(c)) {
    return false;
  }
  const bool punctuation = (c >= 0xA1 && c <= 0xBF) || c == 0xD7 || c == 0xF7 ||
                           (c >= 0x2010 && c <= 0x206F) || (c >= 0x2190 && c <= 0x2BFF) ||
                           (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) ||
                           (c >= 0x1F000 && c <= 0x1FAFF);
  return !punctuation;
}

char32_t to_lower(char32_t c)
{
  if (c >= 'A' && c <= 'Z') {
    return c + 32;
  }
  if (c < 0xC0) {
    return c;
  }
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) {
    return c + 32;
  }
  if (c >= 0x100 && c <= 0x17F) {
    // Latin Extended-A pairs capitals with the next code point; the run U+0139–U+0148 and
    // U+0179–U+017E is shifted by one, and a few letters have no pair.
    if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) {
      return c == 0x130 ? char32_t{'i'} : c;
    }
    if (c == 0x178) {
      return 0xFF;
    }
    const bool shifted = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    const bool capital = shifted ? (c % 2 == 1) : (c % 2 == 0);
    return capital ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) {
    return c + 32;
  }
  if (c >= 0x410 && c <= 0x42F) {
    return c + 32;
  }
  if (c >= 0x400 && c <= 0x40F) {
    return c + 80;
  }
  return c;
}

std::vector<std::u32string> split_whitespace(std::u32string_view text)
{
  std::vector<std::u32string> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_unicode_space(text[i])) {
      ++i;
    }
    const std::size_t start = i;
    while (i < text.size() && !is_unicode_space(text[i])) {
      ++i;
    }
    if (i > start) {
      tokens.emplace_back(text.substr(start, i - start));
    }
  }
  return tokens;
}

} // namespace evalgate
