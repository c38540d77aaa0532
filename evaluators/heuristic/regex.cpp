// regex: std::regex_search with an ECMAScript pattern; `flags` "i" ignores case, "m" makes ^ and $
// match at line breaks, "s" lets `.` match line breaks too, "x" ignores unescaped whitespace and
// `#` comments outside character classes. std::regex has no dotAll or extended mode, so "s" and
// "x" rewrite the pattern before compiling it (`.` → `[\s\S]`; spaces and comments dropped). A pattern
// without placeholders is compiled once at build time (a bad one is a config error); a templated one is
// compiled per case (a bad one is an errored score).
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/regex_search.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

#include <regex>

namespace evalgate {

namespace {

struct PatternFlags {
  std::regex::flag_type syntax = std::regex::ECMAScript;
  bool dot_all = false;
  bool extended = false;
};

// Applies "s" and "x" by rewriting; escapes and character classes are copied as they are.
std::string rewrite(const std::string& pattern, const PatternFlags& flags)
{
  if (!flags.dot_all && !flags.extended) {
    return pattern;
  }
  std::string out;
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[++i];
      if (flags.extended && !in_class && (next == ' ' || next == '#')) {
        out += next == ' ' ? "\\x20" : "#"; // an escaped space or # is kept as a literal
      } else {
        out.push_back(c);
        out.push_back(next);
      }
      continue;
    }
    if (in_class) {
      in_class = c != ']';
      out.push_back(c);
      continue;
    }
    if (c == '[') {
      in_class = true;
      out.push_back(c);
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') {
        out.push_back(pattern[++i]);
      }
      continue;
    }
    if (flags.extended && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) {
      continue;
    }
    if (flags.extended && c == '#') {
      while (i + 1 < pattern.size() && pattern[i + 1] != '\n') {
        ++i;
      }
      continue;
    }
    if (flags.dot_all && c == '.') {
      out += "[\\s\\S]";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

Result<std::regex> compile(const std::string& pattern, const PatternFlags& flags)
{
  try {
    return std::regex(rewrite(pattern, flags), flags.syntax);
  } catch (const std::regex_error& e) {
    return fail(ErrorCategory::data, std::string("is not a valid regex: ") + e.what());
  }
}

class Regex final : public Evaluator {
public:
  Regex(TemplatedText pattern, std::string flags_text, PatternFlags flags, std::regex compiled,
        double threshold)
      : m_pattern(std::move(pattern)), m_flags_text(std::move(flags_text)), m_flags(flags),
        m_compiled(std::move(compiled)), m_threshold(threshold)
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    if (!m_pattern.templated()) {
      return match(m_compiled, m_pattern.text(), input.trial.output);
    }
    auto pattern = render_needle(m_pattern, input.test_case.vars);
    if (!pattern) {
      return errored_score(m_threshold, pattern.error().message);
    }
    auto compiled = compile(*pattern, m_flags);
    if (!compiled) {
      return errored_score(m_threshold, "value " + in_quotes(*pattern) + " " + compiled.error().message);
    }
    return match(*compiled, *pattern, input.trial.output);
  }

private:
  Score match(const std::regex& re, const std::string& pattern, const std::string& output) const
  {
    const std::string shown = "/" + pattern + "/" + m_flags_text;
    auto found = safe_regex_search(output, re);
    if (!found) {
      // Too long, or the library's complexity limit: a score error, not a verdict.
      return errored_score(m_threshold, "regex " + shown + " could not run: " + found.error().message);
    }
    if (*found) {
      return binary_score(true, m_threshold, "matches " + shown);
    }
    return binary_score(false, m_threshold, "expected to match " + shown + " — got " + in_quotes(output));
  }

  TemplatedText m_pattern;
  std::string m_flags_text;
  PatternFlags m_flags;
  std::regex m_compiled; // only meaningful when the pattern has no placeholders
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_regex(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"flags", "value"}); !ok) {
    return fail(ok.error());
  }
  auto pattern = read_templated_text(reader, "value", "the ECMAScript pattern to search for");
  if (!pattern) {
    return fail(pattern.error());
  }
  PatternFlags flags;
  std::string flags_text;
  if (const Json* written = reader.find("flags")) {
    auto text = reader.string_of("flags", *written);
    if (!text) {
      return fail(text.error());
    }
    for (char c : *text) {
      if (c == 'i') {
        flags.syntax |= std::regex::icase;
      } else if (c == 'm') {
        flags.syntax |= std::regex::multiline;
      } else if (c == 's') {
        flags.dot_all = true;
      } else if (c == 'x') {
        flags.extended = true;
      } else if (c == 'g' || c == 'y' || c == 'u') {
        return reader.key_error(
            "flags", std::string("has flag '") + c +
                         "', which std::regex does not support (a search already finds any "
                         "match; patterns are matched on UTF-8 bytes); expected any of: i, m, s, x");
      } else {
        return reader.key_error("flags",
                                std::string("has unknown flag '") + c + "'; expected any of: i, m, s, x");
      }
    }
    flags_text = *text;
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  std::regex compiled;
  if (!pattern->templated()) {
    auto built = compile(pattern->text(), flags);
    if (!built) {
      return reader.key_error("value", built.error().message);
    }
    compiled = std::move(*built);
  }
  return EvaluatorPtr(std::make_unique<Regex>(std::move(*pattern), std::move(flags_text), flags,
                                              std::move(compiled), *threshold));
}

} // namespace evalgate
