#pragma once
// evaluators/judge/embedded_templates: the built-in judge prompts, compiled in from
// evaluators/judge/templates/<judge>/<step>.txt by a build step (embed_templates.cmake). Names are
// "<judge>/<step>" ("rubric/verdict"). Immutable; safe from any thread.

#include <string>
#include <vector>

namespace evalgate {

struct EmbeddedTemplate {
  std::string name;
  std::string text;
};

const std::vector<EmbeddedTemplate>& embedded_judge_templates();

// The built-in template `name`, or nullptr.
const std::string* find_embedded_template(const std::string& name);

} // namespace evalgate
