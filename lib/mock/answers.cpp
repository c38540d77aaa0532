#include "mock/answers.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/types.hpp"

namespace evalgate::mock {

namespace {

// Where each top-level element of a JSON array starts (1-based lines), found by a scan that
// tracks nesting and strings. Only consulted on the error path, after the text parsed.
std::vector<int> array_element_lines(std::string_view text)
{
  std::vector<int> lines;
  int line = 1;
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  bool expect_element = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '\n') {
      ++line;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      continue;
    }
    if (depth == 1 && expect_element && c != ']') {
      lines.push_back(line);
      expect_element = false;
    }
    switch (c) {
    case '"': in_string = true; break;
    case '[':
    case '{':
      ++depth;
      expect_element = depth == 1;
      break;
    case ']':
    case '}': --depth; break;
    case ',': expect_element = depth == 1; break;
    default: break;
    }
  }
  return lines;
}

// nlohmann's what() starts with "[json.exception.parse_error.101] parse error at line 3,
// column 5: "; the location is reported separately, so keep only the explanation.
std::string parse_error_text(const Json::parse_error& error)
{
  const std::string what = error.what();
  const std::size_t column = what.find("column ");
  const std::size_t colon = column == std::string::npos ? what.find(": ") : what.find(": ", column);
  return "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2));
}

// Line and column of byte offset `byte` (nlohmann reports one past the offending character).
Location location_of_byte(const std::string& file, std::string_view text, std::size_t byte)
{
  Location location{file, 1, 1, 0, ""};
  const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++location.line;
      location.column = 1;
    } else {
      ++location.column;
    }
  }
  return location;
}

Result<AnswerRule> rule_from_json(const Json& value, const Location& location)
{
  auto error = [&](const std::string& message) { return fail(ErrorCategory::data, message, location); };
  if (!value.is_object()) {
    return error("rule must be a JSON object with 'reply' and optionally 'model', 'contains' or 'pattern'");
  }
  for (const auto& item : value.items()) {
    const std::string& key = item.key();
    if (key != "model" && key != "contains" && key != "pattern" && key != "reply" && key != "comment") {
      return error("unknown key '" + key + "' (expected model, contains, pattern, reply or comment)");
    }
  }
  AnswerRule rule;
  const auto reply = value.find("reply");
  if (reply == value.end() || !reply->is_string()) {
    return error("rule needs 'reply' (a string)");
  }
  rule.reply = reply->get<std::string>();
  if (const auto model = value.find("model"); model != value.end()) {
    if (!model->is_string()) {
      return error("'model' must be a string");
    }
    rule.model = model->get<std::string>();
  }
  const auto contains = value.find("contains");
  const auto pattern = value.find("pattern");
  if (contains != value.end() && pattern != value.end()) {
    return error("rule has both 'contains' and 'pattern'; use one");
  }
  if (contains != value.end()) {
    if (!contains->is_string()) {
      return error("'contains' must be a string");
    }
    rule.contains = contains->get<std::string>();
  }
  if (pattern != value.end()) {
    if (!pattern->is_string()) {
      return error("'pattern' must be a string (an ECMAScript regular expression)");
    }
    const std::string text = pattern->get<std::string>();
    try {
      rule.pattern.emplace(text, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return error("invalid 'pattern' \"" + text + "\": " + e.what());
    }
  }
  return rule;
}

} // namespace

Result<AnswerBook> AnswerBook::load(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCategory::data, std::string("cannot read answers file: ") + std::strerror(errno),
                Location{path, 0, 0, 0, ""});
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return fail(ErrorCategory::data, "cannot read answers file", Location{path, 0, 0, 0, ""});
  }
  return parse(content.str(), path);
}

Result<AnswerBook> AnswerBook::parse(std::string_view text, const std::string& file_name)
{
  AnswerBook book;
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return book;
  }
  if (text[first] == '[') {
    Json array;
    try {
      array = Json::parse(text);
    } catch (const Json::parse_error& e) {
      return fail(ErrorCategory::data, parse_error_text(e), location_of_byte(file_name, text, e.byte));
    }
    const std::vector<int> lines = array_element_lines(text);
    for (std::size_t i = 0; i < array.size(); ++i) {
      Location location{file_name, 0, 0, 0, ""};
      if (lines.size() == array.size()) {
        location.line = lines[i];
      } else {
        location.field = "[" + std::to_string(i) + "]";
      }
      auto rule = rule_from_json(array[i], location);
      if (!rule) {
        return fail(rule.error());
      }
      book.m_rules.push_back(std::move(*rule));
    }
    book.build_index();
    return book;
  }

  int line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t newline = text.find('\n', start);
    const std::string_view line =
      text.substr(start, newline == std::string_view::npos ? std::string_view::npos : newline - start);
    ++line_number;
    start = newline == std::string_view::npos ? text.size() + 1 : newline + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    const Location location{file_name, line_number, 0, 0, ""};
    Json value;
    try {
      value = Json::parse(line);
    } catch (const Json::parse_error& e) {
      Location at = location_of_byte(file_name, line, e.byte);
      at.line = line_number;
      return fail(ErrorCategory::data, parse_error_text(e), at);
    }
    auto rule = rule_from_json(value, location);
    if (!rule) {
      return fail(rule.error());
    }
    book.m_rules.push_back(std::move(*rule));
  }
  book.build_index();
  return book;
}

bool AnswerBook::rule_matches(const AnswerRule& rule, std::string_view model,
                              const std::string& user_text) const
{
  if (rule.model && *rule.model != model) {
    return false;
  }
  if (rule.contains) {
    return user_text.find(*rule.contains) != std::string::npos;
  }
  if (rule.pattern) {
    try {
      return std::regex_search(user_text, *rule.pattern);
    } catch (const std::regex_error&) {
      return false; // complexity limits on pathological input: treat as no match
    }
  }
  return true;
}

void AnswerBook::build_index()
{
  m_by_length.clear();
  m_unindexed.clear();
  m_indexed = 0;
  for (std::size_t i = 0; i < m_rules.size(); ++i) {
    const AnswerRule& rule = m_rules[i];
    if (rule.contains && !rule.contains->empty()) {
      m_by_length[rule.contains->size()][*rule.contains].push_back(i);
      ++m_indexed;
    } else {
      m_unindexed.push_back(i);
    }
  }
}

const std::string* AnswerBook::match(std::string_view model, const std::string& user_text) const
{
  // Looking up every substring costs about text length × the sum of needle lengths; scanning
  // costs about rules × text length. Either way the answer is the first matching rule.
  std::size_t lookup_cost = 0;
  for (const auto& entry : m_by_length) {
    lookup_cost += entry.first;
  }
  if (lookup_cost >= m_indexed) {
    for (const AnswerRule& rule : m_rules) {
      if (rule_matches(rule, model, user_text)) {
        return &rule.reply;
      }
    }
    return nullptr;
  }
  std::size_t best = m_rules.size();
  const std::string_view text(user_text);
  for (const auto& [length, needles] : m_by_length) {
    if (length > text.size()) {
      break;
    }
    for (std::size_t at = 0; at + length <= text.size(); ++at) {
      const auto found = needles.find(text.substr(at, length));
      if (found == needles.end()) {
        continue;
      }
      for (const std::size_t i : found->second) {
        if (i >= best) {
          break;
        }
        if (!m_rules[i].model || *m_rules[i].model == model) {
          best = i;
          break;
        }
      }
    }
  }
  for (const std::size_t i : m_unindexed) {
    if (i >= best) {
      break;
    }
    if (rule_matches(m_rules[i], model, user_text)) {
      best = i;
      break;
    }
  }
  return best < m_rules.size() ? &m_rules[best].reply : nullptr;
}

} // namespace evalgate::mock
