#include "evaluators/judge/verdict_parser.hpp"

#include "core/json_depth.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace evalgate {

namespace {

std::optional<Json> parse_object(std::string_view text)
{
  Json parsed = parse_json_bounded(text);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return std::nullopt;
  }
  return parsed;
}

// The contents of ``` fences, last block first (a judge that "corrects itself" ends with its final answer).
std::optional<Json> from_fences(std::string_view reply)
{
  std::vector<std::string_view> blocks;
  std::size_t at = 0;
  while (true) {
    std::size_t open = reply.find("```", at);
    if (open == std::string_view::npos) {
      break;
    }
    std::size_t body = reply.find('\n', open);
    if (body == std::string_view::npos) {
      break;
    }
    std::size_t close = reply.find("```", body);
    if (close == std::string_view::npos) {
      break;
    }
    blocks.push_back(reply.substr(body + 1, close - body - 1));
    at = close + 3;
  }
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) {
    if (auto parsed = parse_object(*it)) {
      return parsed;
    }
  }
  return std::nullopt;
}

// The end of the balanced object starting at `open`, skipping braces inside JSON strings. Every
// character looked at is taken from `budget`; npos when there is no end or the budget ran out.
std::size_t object_end(std::string_view text, std::size_t open, std::size_t& budget)
{
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (budget == 0) {
      return std::string_view::npos;
    }
    --budget;
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) {
        return i;
      }
    }
  }
  return std::string_view::npos;
}

// Each '{' starts a scan to its balanced end, so a reply of many unbalanced or nested braces would
// cost time quadratic in its length (a 1 MB reply of '{' took minutes). The scans and parses share a
// budget linear in the reply; a reply that exhausts it gets no verdict from prose.
std::optional<Json> from_prose(std::string_view reply)
{
  std::optional<Json> last;
  std::size_t budget = 8 * reply.size() + (std::size_t{4} << 20);
  std::size_t at = 0;
  while (budget > 0 && (at = reply.find('{', at)) != std::string_view::npos) {
    std::size_t end = object_end(reply, at, budget);
    if (end == std::string_view::npos) {
      ++at;
      continue;
    }
    const std::size_t length = end - at + 1;
    if (length > budget) {
      break;
    }
    budget -= length;
    if (auto parsed = parse_object(reply.substr(at, length))) {
      last = std::move(parsed);
      at = end + 1;
    } else {
      ++at;
    }
  }
  return last;
}

bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_alpha(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}
bool is_word(char c)
{
  return is_alpha(c) || is_digit(c) || c == '_';
}

std::size_t skip(std::string_view line, std::size_t at, std::string_view marks)
{
  while (at < line.size() && (is_space(line[at]) || marks.find(line[at]) != std::string_view::npos)) {
    ++at;
  }
  return at;
}

// One line against ^[\s*#_]*(grade|score|verdict)[\s*_]*[:=][\s*_]*([A-Za-z]+|-?[0-9]+(\.[0-9]+)?)\b,
// case-insensitive, matched by hand: std::regex recurses once per character and overflowed the
// stack on a long line (a judge reply with a 100,000-character line crashed the process).
std::optional<Json> grade_line(std::string_view line)
{
  std::size_t at = skip(line, 0, "*#_");
  std::string key;
  for (const char* name : {"grade", "score", "verdict"}) {
    const std::string_view word(name);
    if (line.size() - at < word.size()) {
      continue;
    }
    bool same = true;
    for (std::size_t i = 0; i < word.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(line[at + i])) == word[i];
    }
    if (same) {
      key = name;
      break;
    }
  }
  if (key.empty()) {
    return std::nullopt;
  }
  at = skip(line, at + key.size(), "*_");
  if (at >= line.size() || (line[at] != ':' && line[at] != '=')) {
    return std::nullopt;
  }
  at = skip(line, at + 1, "*_");
  const auto boundary = [&](std::size_t end) { return end == line.size() || !is_word(line[end]); };
  std::size_t end = at;
  while (end < line.size() && is_alpha(line[end])) {
    ++end;
  }
  if (end > at) {
    if (!boundary(end)) {
      return std::nullopt; // letters run into digits or '_': no word boundary, and not a number either
    }
    return Json{{key, std::string(line.substr(at, end - at))}};
  }
  end = at < line.size() && line[at] == '-' ? at + 1 : at;
  const std::size_t digits = end;
  while (end < line.size() && is_digit(line[end])) {
    ++end;
  }
  if (end == digits) {
    return std::nullopt;
  }
  // The fraction is optional: "4.5x" backs off to "4" (the '.' is a boundary), like the regex did.
  std::size_t fraction = end;
  if (fraction + 1 < line.size() && line[fraction] == '.' && is_digit(line[fraction + 1])) {
    fraction += 1;
    while (fraction < line.size() && is_digit(line[fraction])) {
      ++fraction;
    }
    if (boundary(fraction)) {
      end = fraction;
    }
  }
  if (!boundary(end)) {
    return std::nullopt;
  }
  const std::string value(line.substr(at, end - at));
  if (key == "score") {
    // strtod, not stod: a 400-digit score must not throw out_of_range out of the parser.
    const double score = std::strtod(value.c_str(), nullptr);
    if (!std::isfinite(score)) {
      return std::nullopt;
    }
    return Json{{"score", score}};
  }
  return Json{{key, value}};
}

// The last "GRADE: X", "Score: N" or "Verdict: X" line (case-insensitive, markdown emphasis allowed).
std::optional<Json> from_grade_line(std::string_view reply)
{
  std::optional<Json> last;
  std::size_t start = 0;
  while (start <= reply.size()) {
    std::size_t end = reply.find('\n', start);
    if (end == std::string_view::npos) {
      end = reply.size();
    }
    if (auto verdict = grade_line(reply.substr(start, end - start))) {
      last = std::move(verdict);
    }
    start = end + 1;
  }
  return last;
}

} // namespace

std::optional<Json> parse_verdict(std::string_view reply)
{
  if (auto whole = parse_object(reply)) {
    return whole;
  }
  if (auto fenced = from_fences(reply)) {
    return fenced;
  }
  if (auto embedded = from_prose(reply)) {
    return embedded;
  }
  return from_grade_line(reply);
}

} // namespace evalgate
