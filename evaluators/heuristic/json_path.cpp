#include "evaluators/heuristic/json_path.hpp"

#include "evaluators/spec_reader.hpp"

namespace evalgate {

namespace {

std::string described(const Json& value)
{
  const std::string type = json_type_name(value);
  if (value.is_null()) {
    return "null";
  }
  return (type == "array" || type == "object" ? "an " : "a ") + type;
}

} // namespace

Result<JsonPath> JsonPath::parse(std::string_view text)
{
  if (text.empty()) {
    return fail(ErrorCategory::data, "it is empty");
  }
  JsonPath path;
  std::size_t pos = 0;
  if (!text.empty() && text[0] == '$') {
    pos = 1;
  }
  bool first = true;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '[') {
      const std::size_t close = text.find(']', pos);
      if (close == std::string_view::npos) {
        return fail(ErrorCategory::data, "unclosed '[' at offset " + std::to_string(pos + 1));
      }
      const std::string_view digits = text.substr(pos + 1, close - pos - 1);
      if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
        return fail(ErrorCategory::data,
                    "index at offset " + std::to_string(pos + 1) + " must be a whole number like [0]");
      }
      path.m_steps.push_back({"", static_cast<std::size_t>(std::stoul(std::string(digits)))});
      pos = close + 1;
    } else {
      if (c == '.') {
        ++pos;
      } else if (!first || pos != 0) {
        return fail(ErrorCategory::data, "expected '.' or '[' at offset " + std::to_string(pos + 1));
      }
      const std::size_t end = std::min(text.find_first_of(".[", pos), text.size());
      if (end == pos) {
        return fail(ErrorCategory::data, "empty key at offset " + std::to_string(pos + 1));
      }
      path.m_steps.push_back({std::string(text.substr(pos, end - pos)), std::nullopt});
      pos = end;
    }
    first = false;
  }
  return path;
}

std::string JsonPath::prefix(std::size_t steps) const
{
  std::string out = "$";
  for (std::size_t i = 0; i < steps; ++i) {
    const auto& step = m_steps[i];
    out += step.index ? "[" + std::to_string(*step.index) + "]" : "." + step.key;
  }
  return out;
}

const Json* JsonPath::find(const Json& document, std::string& why) const
{
  const Json* node = &document;
  for (std::size_t i = 0; i < m_steps.size(); ++i) {
    const auto& step = m_steps[i];
    if (step.index) {
      if (!node->is_array()) {
        why = prefix(i) + " is " + described(*node) + ", not an array";
        return nullptr;
      }
      if (*step.index >= node->size()) {
        why = prefix(i) + " has no index " + std::to_string(*step.index) + " (" + std::to_string(node->size()) +
              (node->size() == 1 ? " element)" : " elements)");
        return nullptr;
      }
      node = &(*node)[*step.index];
    } else {
      if (!node->is_object()) {
        why = prefix(i) + " is " + described(*node) + ", not an object";
        return nullptr;
      }
      auto it = node->find(step.key);
      if (it == node->end()) {
        why = prefix(i) + " has no key '" + step.key + "'";
        return nullptr;
      }
      node = &*it;
    }
  }
  return node;
}

} // namespace evalgate
