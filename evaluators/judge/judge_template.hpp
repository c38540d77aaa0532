#pragma once
// evaluators/judge/judge_template: one step's prompt of a judge ("rubric/verdict"), built in or
// loaded from the suite's `template:` file, with its `{{placeholders}}` checked once at build time
// against what the step provides (unknown = config error; a required data placeholder left out of
// a custom template = config error, since the judge would grade blind). Rendering is single-pass,
// so `{{...}}` inside an output is inserted as text, never expanded. Immutable; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

// What a step fills in: `allowed` are every placeholder it provides, `required` the ones a custom
// template must use (the data under judgement).
struct StepPlaceholders {
  std::vector<std::string> allowed;
  std::vector<std::string> required;
};

class JudgeTemplate {
public:
  JudgeTemplate() = default;
  // The built-in "<judge>/<step>" (a missing built-in is an internal error).
  static Result<JudgeTemplate> builtin(const SpecReader& reader, const std::string& name,
                                       const StepPlaceholders& placeholders);
  // A custom template file, relative to `base_dir`; named by its path as written.
  static Result<JudgeTemplate> from_file(const SpecReader& reader, const std::string& path,
                                         const std::string& base_dir, const StepPlaceholders& placeholders,
                                         bool check_required);

  // `values` holds a string for every allowed placeholder.
  Result<std::string> render(const Json& values) const;
  const std::string& name() const { return m_name; }
  const std::string& text() const { return m_text; }

private:
  std::string m_name;
  std::string m_text;
};

// Untrusted text as a delimited data block:
//   <<<OUTPUT
//   ...
//   OUTPUT>>>
// A space is inserted into any run of three "<" or ">" inside the text so the text cannot close its
// block or open a fake one.
std::string data_block(std::string_view label, std::string_view text);

// 64-bit FNV-1a as 16 hex digits: a stable fingerprint of the templates a score was judged with.
std::string fnv1a_hex(std::string_view text);

} // namespace evalgate
