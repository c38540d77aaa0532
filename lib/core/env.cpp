#include "core/env.hpp"

#include <cctype>
#include <cstdlib>

namespace evalgate {

Result<std::string> expand_env(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("${", pos);
    if (open == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    const std::size_t close = text.find('}', open + 2);
    if (close == std::string_view::npos) {
      return fail(ErrorCategory::config, "unterminated '${' in '" + std::string(text) + "'");
    }
    const std::string name(text.substr(open + 2, close - open - 2));
    bool valid = !name.empty();
    for (char c : name) {
      valid = valid && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_');
    }
    if (!valid) {
      return fail(ErrorCategory::config, "invalid variable name '${" + name + "}': expected letters, digits or '_'");
    }
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return fail(ErrorCategory::config, "environment variable " + name + " is not set");
    }
    out += value;
    pos = close + 1;
  }
  return out;
}

} // namespace evalgate
