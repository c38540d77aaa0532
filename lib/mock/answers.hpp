#pragma once
// mock/answers: the mock provider's answers file. A JSON array or JSONL of rules
//   {"model": "gpt-x" (optional, exact), "contains": "refund" | "pattern": "^hi\\b" (ECMAScript),
//    "reply": "..."}
// matched against the last user message; the first matching rule wins. A rule with neither
// `contains` nor `pattern` matches every message (of its model). Regexes are compiled at load.
// Load errors (category data) carry the file and the rule's line: "answers.jsonl:3: rule needs
// 'reply' (a string)"; where a JSON array element's line cannot be found, the field "[index]".
// An AnswerBook is immutable after load; match() is safe from many threads at once.
// Internal to lib/mock. May use: core.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"

namespace evalgate::mock {

struct AnswerRule {
  std::optional<std::string> model; // absent = any model
  std::optional<std::string> contains;
  std::optional<std::regex> pattern;
  std::string reply;
};

class AnswerBook {
public:
  // Reads and parses `path`; errors name `path`.
  static Result<AnswerBook> load(const std::string& path);
  // Parses `text` as the content of a file called `file_name` (used in error locations).
  static Result<AnswerBook> parse(std::string_view text, const std::string& file_name);

  // The reply of the first rule for `model` that matches `user_text`, or nullptr.
  const std::string* match(std::string_view model, const std::string& user_text) const;

  std::size_t size() const { return m_rules.size(); }

private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  using RulesByNeedle = std::unordered_map<std::string, std::vector<std::size_t>, TextHash, std::equal_to<>>;

  // Built once after parsing: rules with a non-empty `contains`, by needle length then needle
  // (indices ascending), and every other rule's index. match() then finds the first matching
  // rule by looking up the text's substrings of each needle length instead of scanning every
  // rule, when that is cheaper (large answer files, such as the benchmarks' one rule per case).
  void build_index();
  bool rule_matches(const AnswerRule& rule, std::string_view model, const std::string& user_text) const;

  std::vector<AnswerRule> m_rules;
  std::map<std::size_t, RulesByNeedle> m_by_length;
  std::vector<std::size_t> m_unindexed;
  std::size_t m_indexed = 0; // rules in m_by_length
};

} // namespace evalgate::mock
