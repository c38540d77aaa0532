#include "evaluators/heuristic/needles.hpp"

#include "evaluators/text.hpp"

namespace evalgate {

Result<Needles> Needles::read(const SpecReader& reader)
{
  auto value = reader.require("value", "a list of strings, or one comma-separated string");
  if (!value) {
    return fail(value.error());
  }
  const Json& json = **value;
  Needles needles;
  if (json.is_string()) {
    auto text = TemplatedText::make(reader, "value", "value", json.get<std::string>());
    if (!text) {
      return fail(text.error());
    }
    needles.m_comma_form = true;
    needles.m_items.push_back(std::move(*text));
  } else if (json.is_array()) {
    for (std::size_t i = 0; i < json.size(); ++i) {
      const Json& item = json[i];
      if (!item.is_string() && !item.is_number()) {
        return reader.key_error("value", "item " + std::to_string(i + 1) + " must be a string, got " +
                                           json_type_name(item));
      }
      const std::string text = item.is_string() ? item.get<std::string>() : item.dump();
      if (text.empty()) {
        return reader.key_error("value", "item " + std::to_string(i + 1) + " is empty");
      }
      auto templated = TemplatedText::make(reader, "value", "value[" + std::to_string(i + 1) + "]", text);
      if (!templated) {
        return fail(templated.error());
      }
      needles.m_items.push_back(std::move(*templated));
    }
  } else {
    return reader.wrong_type("value", "a list of strings or a comma-separated string", json);
  }
  for (const auto& item : needles.m_items) {
    needles.m_templated = needles.m_templated || item.templated();
  }
  if (!needles.m_templated) {
    auto fixed = needles.render(Json::object());
    if (!fixed) {
      return reader.key_error("value", "must list at least one string");
    }
    needles.m_fixed = std::move(*fixed);
  }
  return needles;
}

Result<std::vector<std::string>> Needles::render(const Json& vars) const
{
  if (!m_templated && !m_fixed.empty()) {
    return m_fixed;
  }
  std::vector<std::string> out;
  for (const auto& item : m_items) {
    auto text = item.render(vars);
    if (!text) {
      return fail(text.error());
    }
    if (m_comma_form) {
      out = split_commas(*text);
    } else if (!text->empty()) {
      out.push_back(std::move(*text));
    }
  }
  if (out.empty()) {
    return fail(ErrorCategory::data, "value: nothing to look for after rendering");
  }
  return out;
}

Result<NeedleConfig> read_needle_config(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  auto needles = Needles::read(reader);
  if (!needles) {
    return fail(needles.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return NeedleConfig{std::move(*needles), *threshold};
}

} // namespace evalgate
