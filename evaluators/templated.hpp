#pragma once
// evaluators/templated: config values that may hold `{{var}}` placeholders. The placeholders are
// checked once at build time (unbalanced braces are a config error) and rendered per case with
// core render_template. A value without placeholders is stored once and never re-rendered.
// Render errors name the config key: "value: missing variable 'keyword'". Immutable after
// construction, so concurrent render() calls are safe.

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

class TemplatedText {
public:
  TemplatedText() = default;
  // `label` prefixes render errors ("value", "value[2]").
  static Result<TemplatedText> make(const SpecReader& reader, std::string_view key, std::string label,
                                    std::string text);

  Result<std::string> render(const Json& vars) const;
  bool templated() const { return m_templated; }
  const std::string& text() const { return m_text; }
  const std::string& label() const { return m_label; }

private:
  std::string m_label;
  std::string m_text;
  bool m_templated = false;
};

// A JSON value whose string leaves are templates. A leaf that is exactly one placeholder
// ("{{qty}}") takes the variable's JSON value as it is (a number stays a number); any other
// templated leaf renders to a string. Object keys are not templated.
class TemplatedJson {
public:
  TemplatedJson() = default;
  static Result<TemplatedJson> make(const SpecReader& reader, std::string_view key, std::string label,
                                    Json value);

  Result<Json> render(const Json& vars) const;

private:
  std::string m_label;
  Json m_value;
  bool m_templated = false;
};

} // namespace evalgate

namespace evalgate {

// Reads required key `key` as a templated text. Numbers are accepted as their text (YAML reads
// `value: 42` as a number); other types fail with "must be a string, got ...". `what` explains the
// key in the missing-key error: "evaluator 'contains' needs 'value' (the text to look for)".
// An empty text is rejected ("must not be empty"): every caller looks for it in the output, where
// "" is always found.
Result<TemplatedText> read_templated_text(const SpecReader& reader, std::string_view key, std::string_view what);

// render() for texts that are looked for in the output: rendering to "" is an error too
// ("value: rendered to an empty string"), since "" would be found in every output.
Result<std::string> render_needle(const TemplatedText& text, const Json& vars);

} // namespace evalgate
