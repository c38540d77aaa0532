#pragma once
// A suite written into a scratch folder and loaded from inside it, so errors read
// "evalgate.yaml:3:1: ..." exactly as a user running `evalgate run` there would see them.

#include <string>

#include "suite/suite_loader.hpp"
#include "suite_test_support.hpp"

namespace evalgate::testing {

inline const char* k_golden_jsonl = "{\"id\": \"faq-1\", \"question\": \"Refund?\", \"keyword\": \"refund\"}\n"
                                    "{\"id\": \"faq-2\", \"question\": \"Ship?\", \"keyword\": \"ship\"}\n";

// Loads `suite_text` as evalgate.yaml next to golden.jsonl (`golden`); returns the error text
// ("(loaded)" on success).
inline std::string load_error(const std::string& suite_text, const std::string& golden = k_golden_jsonl,
                              const std::string& name = "evalgate.yaml")
{
  ScratchDir dir;
  dir.write(name, suite_text);
  dir.write("golden.jsonl", golden);
  CwdGuard cwd(dir.path());
  return error_text(load_suite(name));
}

inline Result<Suite> load_text(const ScratchDir& dir, const std::string& suite_text,
                               const std::string& golden = k_golden_jsonl)
{
  dir.write("evalgate.yaml", suite_text);
  dir.write("golden.jsonl", golden);
  CwdGuard cwd(dir.path());
  return load_suite("evalgate.yaml");
}

// A valid suite; tests splice one mistake into a copy.
inline std::string base_suite(const std::string& extra = "")
{
  return "name: t\n"
         "prompts:\n"
         "  - id: v1\n"
         "    text: \"Q: {{question}}\"\n"
         "providers:\n"
         "  - id: gpt\n"
         "    type: openai\n"
         "    model: gpt-4o-mini\n"
         "datasets:\n"
         "  - golden.jsonl\n"
         "evaluators:\n"
         "  - type: contains\n"
         "    value: \"{{keyword}}\"\n" +
         extra;
}

} // namespace evalgate::testing
