// Fuzz target: the {{var}} template renderer (core/template). Input: a template, optionally
// followed by a NUL byte and a JSON object of variables (else a fixed set). Invariants: rendering
// and listing never crash or throw; when every listed placeholder resolves, rendering succeeds.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/template.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace evalgate;
  const std::string_view input = fuzz::as_text(data, size);
  std::string_view text = input;
  Json vars = {{"question", "where is my order?"},
               {"n", 3},
               {"user", {{"name", "Ada"}, {"tags", {"a", "b"}}}},
               {"empty", nullptr},
               {"a.b", "dotted key"}};
  if (const auto nul = input.find('\0'); nul != std::string_view::npos) {
    text = input.substr(0, nul);
    Json parsed = Json::parse(input.substr(nul + 1), nullptr, false);
    if (parsed.is_object()) {
      vars = std::move(parsed);
    }
  }
  const auto names = template_variables(text);
  const auto rendered = render_template(text, vars);
  fuzz::fuzz_check(has_placeholders(text) || !names || names->empty(), "no '{{' means no placeholders");
  if (names) {
    bool all_known = true;
    for (const auto& name : *names) {
      all_known = all_known && lookup_variable(vars, name) != nullptr;
    }
    fuzz::fuzz_check(!all_known || rendered.has_value(), "a template whose variables all resolve renders");
  } else {
    fuzz::fuzz_check(!rendered.has_value(), "a template that cannot be listed does not render");
  }
  return 0;
}
