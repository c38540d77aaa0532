#include "evaluators/heuristic/pii_scan.hpp"

#include <algorithm>
#include <cctype>

namespace evalgate {

namespace {

bool digit(char c)
{
  return c >= '0' && c <= '9';
}
bool upper(char c)
{
  return c >= 'A' && c <= 'Z';
}
bool alnum(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool local_char(char c)
{
  return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool domain_char(char c)
{
  return alnum(c) || c == '-' || c == '.';
}

std::string last(std::string_view text, std::size_t n)
{
  return std::string(text.substr(text.size() - n));
}

// Emails around each '@'. Returns the end of the match, or `at + 1` when there is none.
std::size_t find_email(std::string_view text, std::size_t at, std::vector<PiiFinding>& found)
{
  std::size_t start = at;
  while (start > 0 && local_char(text[start - 1])) {
    --start;
  }
  std::size_t end = at + 1;
  while (end < text.size() && domain_char(text[end])) {
    ++end;
  }
  while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) {
    --end; // a sentence's full stop is not part of the domain
  }
  const std::string_view local = text.substr(start, at - start);
  const std::string_view domain = text.substr(at + 1, end - at - 1);
  const std::size_t dot = domain.rfind('.');
  if (local.empty() || dot == std::string_view::npos || dot == 0) {
    return at + 1;
  }
  const std::string_view tld = domain.substr(dot + 1);
  bool letters = tld.size() >= 2;
  for (char c : tld) {
    letters = letters && std::isalpha(static_cast<unsigned char>(c)) != 0;
  }
  if (!letters) {
    return at + 1;
  }
  found.push_back({"email", std::string(1, local[0]) + "***@" + std::string(domain)});
  return end;
}

// A run of digits with single separators from `seps`, starting at text[pos] (a digit or '+' / '(').
struct DigitRun {
  std::string digits;
  std::size_t end = 0;
  int separators = 0;
  bool plus = false;
};

DigitRun digit_run(std::string_view text, std::size_t pos, std::string_view seps)
{
  DigitRun run;
  std::size_t i = pos;
  if (i < text.size() && text[i] == '+') {
    run.plus = true;
    ++i;
  }
  run.end = i;
  while (i < text.size()) {
    if (digit(text[i])) {
      run.digits.push_back(text[i]);
      ++i;
      run.end = i;
    } else if (seps.find(text[i]) != std::string_view::npos && i + 1 < text.size() &&
               (digit(text[i + 1]) || (text[i + 1] == '(' && seps.find('(') != std::string_view::npos) ||
                (text[i] == ')' && (text[i + 1] == ' ' || text[i + 1] == '-')))) {
      ++run.separators;
      ++i;
    } else {
      break;
    }
  }
  return run;
}

} // namespace

bool luhn_valid(std::string_view digits)
{
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      d = d > 9 ? d - 9 : d;
    }
    sum += d;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

bool iban_valid(std::string_view compact)
{
  if (compact.size() < 15 || compact.size() > 34) {
    return false;
  }
  // Move the first four characters to the end, letters become 10..35, remainder mod 97 must be 1.
  const std::string rotated = std::string(compact.substr(4)) + std::string(compact.substr(0, 4));
  int remainder = 0;
  for (char c : rotated) {
    if (digit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else if (upper(c)) {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return remainder == 1;
}

std::vector<PiiFinding> scan_pii(std::string_view text)
{
  std::vector<PiiFinding> found;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool boundary = i == 0 || !alnum(text[i - 1]);
    if (c == '@') {
      i = find_email(text, i, found);
      continue;
    }
    if (boundary && upper(c) && i + 3 < text.size() && upper(text[i + 1]) && digit(text[i + 2]) &&
        digit(text[i + 3])) {
      std::string compact;
      std::vector<std::size_t> ends;
      std::size_t j = i;
      while (j < text.size() && compact.size() < 34) {
        if (upper(text[j]) || digit(text[j])) {
          compact.push_back(text[j]);
          ends.push_back(j + 1);
          ++j;
        } else if (text[j] == ' ' && j + 1 < text.size() && (upper(text[j + 1]) || digit(text[j + 1]))) {
          ++j;
        } else {
          break;
        }
      }
      // The longest prefix that checks out: a capitalised word may follow the number.
      bool matched = false;
      for (std::size_t n = compact.size(); n >= 15 && !matched; --n) {
        if (iban_valid(std::string_view(compact).substr(0, n)) &&
            (ends[n - 1] == text.size() || !alnum(text[ends[n - 1]]))) {
          found.push_back(
              {"iban", compact.substr(0, 4) + "****" + last(std::string_view(compact).substr(0, n), 4)});
          i = ends[n - 1];
          matched = true;
        }
      }
      if (matched) {
        continue;
      }
    }
    if (boundary && (digit(c) || c == '+' || c == '(')) {
      const DigitRun card = digit_run(text, i, " -");
      if (card.digits.size() >= 13 && card.digits.size() <= 19 && luhn_valid(card.digits) &&
          (card.end == text.size() || !alnum(text[card.end]))) {
        found.push_back({"card", "****" + last(card.digits, 4)});
        i = card.end;
        continue;
      }
      const DigitRun phone = digit_run(text, i, " -.()");
      if (phone.digits.size() >= 10 && phone.digits.size() <= 15 && (phone.plus || phone.separators >= 2) &&
          (phone.end == text.size() || !alnum(text[phone.end]))) {
        found.push_back({"phone", "***" + last(phone.digits, 4)});
        i = phone.end;
        continue;
      }
      // Skip the whole separated run: its tail is part of this number, not a fresh one.
      std::size_t j = std::max(i + 1, phone.end);
      while (j < text.size() && digit(text[j])) {
        ++j;
      }
      i = j;
      continue;
    }
    ++i;
  }
  return found;
}

} // namespace evalgate
