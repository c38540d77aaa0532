#include "evaluators/templated.hpp"

#include "core/template.hpp"

namespace evalgate {

namespace {

Result<void> check_template(const SpecReader& reader, std::string_view key, std::string_view text)
{
  if (auto names = template_variables(text); !names) {
    return reader.key_error(key, "has a bad placeholder: " + names.error().message);
  }
  return {};
}

bool any_placeholders(const Json& value)
{
  if (value.is_string()) {
    return has_placeholders(value.get_ref<const std::string&>());
  }
  if (value.is_structured()) {
    for (const auto& item : value) {
      if (any_placeholders(item)) {
        return true;
      }
    }
  }
  return false;
}

Result<void> check_all(const SpecReader& reader, std::string_view key, const Json& value)
{
  if (value.is_string()) {
    return check_template(reader, key, value.get_ref<const std::string&>());
  }
  if (value.is_structured()) {
    for (const auto& item : value) {
      if (auto ok = check_all(reader, key, item); !ok) {
        return ok;
      }
    }
  }
  return {};
}

// The variable's JSON value when `text` is exactly one placeholder, else nullptr.
const Json* whole_placeholder(const std::string& text, const Json& vars)
{
  if (text.size() < 4 || text.compare(0, 2, "{{") != 0 || text.find("}}") != text.size() - 2) {
    return nullptr;
  }
  auto names = template_variables(text);
  if (!names || names->size() != 1) {
    return nullptr;
  }
  return lookup_variable(vars, names->front());
}

Result<Json> render_json(const Json& value, const Json& vars, const std::string& label)
{
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (!has_placeholders(text)) {
      return value;
    }
    if (const Json* raw = whole_placeholder(text, vars)) {
      return *raw;
    }
    auto rendered = render_template(text, vars);
    if (!rendered) {
      return fail(ErrorCategory::data, label + ": " + rendered.error().message);
    }
    return Json(std::move(*rendered));
  }
  if (value.is_array()) {
    Json out = Json::array();
    for (const auto& item : value) {
      auto r = render_json(item, vars, label);
      if (!r) {
        return r;
      }
      out.push_back(std::move(*r));
    }
    return out;
  }
  if (value.is_object()) {
    Json out = Json::object();
    for (const auto& item : value.items()) {
      auto r = render_json(item.value(), vars, label);
      if (!r) {
        return r;
      }
      out[item.key()] = std::move(*r);
    }
    return out;
  }
  return value;
}

} // namespace

Result<TemplatedText> TemplatedText::make(const SpecReader& reader, std::string_view key,
                                          std::string label, std::string text)
{
  if (auto ok = check_template(reader, key, text); !ok) {
    return fail(ok.error());
  }
  TemplatedText out;
  out.m_templated = has_placeholders(text);
  out.m_label = std::move(label);
  out.m_text = std::move(text);
  return out;
}

Result<std::string> TemplatedText::render(const Json& vars) const
{
  if (!m_templated) {
    return m_text;
  }
  auto rendered = render_template(m_text, vars);
  if (!rendered) {
    return fail(ErrorCategory::data, m_label + ": " + rendered.error().message);
  }
  return rendered;
}

Result<TemplatedJson> TemplatedJson::make(const SpecReader& reader, std::string_view key,
                                          std::string label, Json value)
{
  if (auto ok = check_all(reader, key, value); !ok) {
    return fail(ok.error());
  }
  TemplatedJson out;
  out.m_templated = any_placeholders(value);
  out.m_label = std::move(label);
  out.m_value = std::move(value);
  return out;
}

Result<Json> TemplatedJson::render(const Json& vars) const
{
  if (!m_templated) {
    return m_value;
  }
  return render_json(m_value, vars, m_label);
}

} // namespace evalgate

namespace evalgate {

Result<TemplatedText> read_templated_text(const SpecReader& reader, std::string_view key, std::string_view what)
{
  auto value = reader.require(key, what);
  if (!value) {
    return fail(value.error());
  }
  const Json& json = **value;
  if (json.is_string() && json.get_ref<const std::string&>().empty()) {
    return reader.key_error(key, "must not be empty");
  }
  if (json.is_number()) {
    return TemplatedText::make(reader, key, std::string(key), json.dump());
  }
  auto text = reader.string_of(key, json);
  if (!text) {
    return fail(text.error());
  }
  return TemplatedText::make(reader, key, std::string(key), std::move(*text));
}

Result<std::string> render_needle(const TemplatedText& text, const Json& vars)
{
  auto rendered = text.render(vars);
  if (rendered && rendered->empty()) {
    return fail(ErrorCategory::data, std::string(text.label()) + ": rendered to an empty string");
  }
  return rendered;
}

} // namespace evalgate
