#include "evaluators/judge/verdict_parser.hpp"

#include "core/json_depth.hpp"

#include <cctype>
#include <regex>
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

// The end of the balanced object starting at `open`, skipping braces inside JSON strings.
std::size_t object_end(std::string_view text, std::size_t open)
{
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = open; i < text.size(); ++i) {
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

std::optional<Json> from_prose(std::string_view reply)
{
  std::optional<Json> last;
  std::size_t at = 0;
  while ((at = reply.find('{', at)) != std::string_view::npos) {
    std::size_t end = object_end(reply, at);
    if (end == std::string_view::npos) {
      ++at;
      continue;
    }
    if (auto parsed = parse_object(reply.substr(at, end - at + 1))) {
      last = std::move(parsed);
      at = end + 1;
    } else {
      ++at;
    }
  }
  return last;
}

// The last "GRADE: X", "Score: N" or "Verdict: X" line (case-insensitive, markdown emphasis allowed).
std::optional<Json> from_grade_line(std::string_view reply)
{
  static const std::regex k_line(
      R"(^[\s*#_]*(grade|score|verdict)[\s*_]*[:=][\s*_]*([A-Za-z]+|-?[0-9]+(\.[0-9]+)?)\b)",
      std::regex::icase);
  std::optional<Json> last;
  std::size_t start = 0;
  while (start <= reply.size()) {
    std::size_t end = reply.find('\n', start);
    if (end == std::string_view::npos) {
      end = reply.size();
    }
    std::string line(reply.substr(start, end - start));
    std::smatch match;
    if (std::regex_search(line, match, k_line)) {
      std::string key = match[1].str();
      for (auto& c : key) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      std::string value = match[2].str();
      Json verdict = Json::object();
      if (key == "score" && (std::isdigit(static_cast<unsigned char>(value[0])) != 0 || value[0] == '-')) {
        verdict["score"] = std::stod(value);
      } else {
        verdict[key] = value;
      }
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
