#pragma once
// core/template: `{{var}}` rendering, strict. Whitespace inside the braces is ignored; dotted
// names reach into objects (`{{user.name}}`). String values are inserted as they are; numbers,
// booleans, arrays and objects as compact JSON; null as "". A missing variable or an unbalanced
// `{{` is an error (category data) naming the variable and its 1-based offset; callers add
// which prompt/case/file it was. Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

Result<std::string> render_template(std::string_view text, const Json& vars);

// The distinct placeholder names in order of first appearance, or an error for unbalanced braces.
Result<std::vector<std::string>> template_variables(std::string_view text);

// The value a placeholder name refers to in `vars` (the whole name as a key first, then a dotted
// path into objects), or nullptr when there is none. The pointer is into `vars`.
const Json* lookup_variable(const Json& vars, std::string_view name);

// True when text contains a `{{`: lets callers skip rendering plain strings.
bool has_placeholders(std::string_view text);

} // namespace evalgate
