#include "core/template.hpp"

namespace evalgate {

namespace {

std::string_view trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

} // namespace

const Json* lookup_variable(const Json& vars, std::string_view name)
{
  if (!vars.is_object()) {
    return nullptr;
  }
  // The whole name first, so a field literally called "a.b" wins over a path.
  if (auto it = vars.find(std::string(name)); it != vars.end()) {
    return &*it;
  }
  const Json* node = &vars;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t dot = name.find('.', start);
    const std::string part(name.substr(start, dot == std::string_view::npos ? name.npos : dot - start));
    if (!node->is_object()) {
      return nullptr;
    }
    auto it = node->find(part);
    if (it == node->end()) {
      return nullptr;
    }
    node = &*it;
    if (dot == std::string_view::npos) {
      return node;
    }
    start = dot + 1;
  }
  return nullptr;
}

namespace {

// Calls on_text(text) and on_var(name, offset) in order; returns an error for unbalanced braces.
template <typename OnText, typename OnVar>
Result<void> scan(std::string_view text, OnText on_text, OnVar on_var)
{
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      on_text(text.substr(pos));
      break;
    }
    on_text(text.substr(pos, open - pos));
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return fail(ErrorCategory::data,
                  "unbalanced '{{' at offset " + std::to_string(open + 1) + ": no closing '}}'");
    }
    const std::string_view name = trim(text.substr(open + 2, close - open - 2));
    if (name.empty() || name.find("{{") != std::string_view::npos) {
      return fail(ErrorCategory::data, "empty or malformed placeholder at offset " +
                                           std::to_string(open + 1) + ": expected '{{name}}'");
    }
    if (auto r = on_var(name, open + 1); !r) {
      return r;
    }
    pos = close + 2;
  }
  return {};
}

} // namespace

bool has_placeholders(std::string_view text) { return text.find("{{") != std::string_view::npos; }

Result<std::string> render_template(std::string_view text, const Json& vars)
{
  if (!has_placeholders(text)) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 64);
  auto status = scan(
    text, [&](std::string_view piece) { out.append(piece); },
    [&](std::string_view name, std::size_t) -> Result<void> {
      const Json* value = lookup_variable(vars, name);
      if (value == nullptr) {
        return fail(ErrorCategory::data, "missing variable '" + std::string(name) + "'");
      }
      if (value->is_string()) {
        out += value->get_ref<const std::string&>();
      } else if (!value->is_null()) {
        out += value->dump(-1, ' ', false, Json::error_handler_t::replace);
      }
      return {};
    });
  if (!status) {
    return fail(status.error());
  }
  return out;
}

Result<std::vector<std::string>> template_variables(std::string_view text)
{
  std::vector<std::string> names;
  auto status = scan(
    text, [](std::string_view) {},
    [&](std::string_view name, std::size_t) -> Result<void> {
      std::string n(name);
      for (const auto& existing : names) {
        if (existing == n) {
          return {};
        }
      }
      names.push_back(std::move(n));
      return {};
    });
  if (!status) {
    return fail(status.error());
  }
  return names;
}

} // namespace evalgate
