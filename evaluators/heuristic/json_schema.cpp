#include "evaluators/heuristic/json_schema.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string_view>
#include <vector>

#include "evaluators/heuristic/regex_search.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

const std::set<std::string_view> k_annotations = {"$schema",     "$id",      "$comment", "title",
                                                  "description", "default",  "examples", "deprecated",
                                                  "readOnly",    "writeOnly"};
const std::set<std::string_view> k_type_names = {"null",   "boolean", "object", "array",
                                                 "number", "string",  "integer"};

using Patterns = std::map<std::string, std::shared_ptr<const std::regex>>;

Unexpected schema_error(const std::string& where, const std::string& message)
{
  return fail(ErrorCategory::config,
              message + " at " + (where.empty() ? std::string("the schema root") : where));
}

Result<void> compile_node(const Json& schema, const std::string& where, Patterns& patterns);

Result<void> compile_list(const Json& value, const std::string& where, const std::string& keyword,
                          Patterns& patterns)
{
  if (!value.is_array() || value.empty()) {
    return schema_error(where, "keyword '" + keyword + "' must be a non-empty list of schemas");
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (auto ok = compile_node(value[i], where + "/" + keyword + "/" + std::to_string(i), patterns); !ok) {
      return ok;
    }
  }
  return {};
}

bool is_count(const Json& value)
{
  return value.is_number_unsigned() || (value.is_number_integer() && value.get<long long>() >= 0) ||
         (value.is_number_float() && value.get<double>() >= 0 &&
          std::floor(value.get<double>()) == value.get<double>());
}

Result<void> compile_node(const Json& schema, const std::string& where, Patterns& patterns)
{
  if (schema.is_boolean()) {
    return {};
  }
  if (!schema.is_object()) {
    return schema_error(where,
                        "a schema must be a mapping or a boolean, got " + std::string(schema.type_name()));
  }
  for (const auto& [keyword, value] : schema.items()) {
    const std::string here = where + "/" + pointer_token(keyword);
    if (k_annotations.count(keyword) != 0) {
      continue;
    }
    if (keyword == "type") {
      const Json names = value.is_array() ? value : Json::array({value});
      for (const auto& name : names) {
        if (!name.is_string() || k_type_names.count(name.get<std::string>()) == 0) {
          return schema_error(where,
                              "keyword 'type' must name null, boolean, object, array, number, string or "
                              "integer, got " +
                                  name.dump());
        }
      }
    } else if (keyword == "enum") {
      if (!value.is_array()) {
        return schema_error(where, "keyword 'enum' must be a list");
      }
    } else if (keyword == "const") {
      continue;
    } else if (keyword == "properties") {
      if (!value.is_object()) {
        return schema_error(where, "keyword 'properties' must be a mapping of schemas");
      }
      for (const auto& [name, sub] : value.items()) {
        if (auto ok = compile_node(sub, here + "/" + pointer_token(name), patterns); !ok) {
          return ok;
        }
      }
    } else if (keyword == "required") {
      const bool strings = value.is_array() && std::all_of(value.begin(), value.end(),
                                                           [](const Json& v) { return v.is_string(); });
      if (!strings) {
        return schema_error(where, "keyword 'required' must be a list of property names");
      }
    } else if (keyword == "additionalProperties" || keyword == "items" || keyword == "not") {
      if (keyword == "items" && value.is_array()) {
        return schema_error(where,
                            "keyword 'items' as a list (tuple validation) is not supported; give one schema");
      }
      if (auto ok = compile_node(value, here, patterns); !ok) {
        return ok;
      }
    } else if (keyword == "minimum" || keyword == "maximum" || keyword == "exclusiveMinimum" ||
               keyword == "exclusiveMaximum" || keyword == "multipleOf") {
      if (!value.is_number()) {
        return schema_error(where, "keyword '" + keyword + "' must be a number, got " +
                                       std::string(value.type_name()));
      }
      if (keyword == "multipleOf" && value.get<double>() <= 0) {
        return schema_error(where, "keyword 'multipleOf' must be > 0");
      }
    } else if (keyword == "minLength" || keyword == "maxLength" || keyword == "minItems" ||
               keyword == "maxItems" || keyword == "minProperties" || keyword == "maxProperties") {
      if (!is_count(value)) {
        return schema_error(where,
                            "keyword '" + keyword + "' must be a whole number >= 0, got " + value.dump());
      }
    } else if (keyword == "uniqueItems") {
      if (!value.is_boolean()) {
        return schema_error(where, "keyword 'uniqueItems' must be true or false");
      }
    } else if (keyword == "pattern") {
      if (!value.is_string()) {
        return schema_error(where, "keyword 'pattern' must be a string");
      }
      const std::string text = value.get<std::string>();
      try {
        patterns.emplace(text, std::make_shared<const std::regex>(text, std::regex::ECMAScript));
      } catch (const std::regex_error& e) {
        return schema_error(where,
                            "keyword 'pattern' " + in_quotes(text) + " is not a valid regex: " + e.what());
      }
    } else if (keyword == "anyOf" || keyword == "oneOf" || keyword == "allOf") {
      if (auto ok = compile_list(value, where, keyword, patterns); !ok) {
        return ok;
      }
    } else {
      return schema_error(where, "unsupported JSON Schema keyword '" + keyword + "'");
    }
  }
  return {};
}

bool has_type(const Json& instance, const std::string& name)
{
  if (name == "null") {
    return instance.is_null();
  }
  if (name == "boolean") {
    return instance.is_boolean();
  }
  if (name == "object") {
    return instance.is_object();
  }
  if (name == "array") {
    return instance.is_array();
  }
  if (name == "string") {
    return instance.is_string();
  }
  if (name == "number") {
    return instance.is_number();
  }
  // integer: any number with no fractional part (1.0 is an integer in JSON Schema).
  if (instance.is_number_integer()) {
    return true;
  }
  return instance.is_number_float() && std::floor(instance.get<double>()) == instance.get<double>();
}

std::string type_of(const Json& instance)
{
  if (instance.is_number_integer()) {
    return "integer";
  }
  return instance.is_number() ? "number" : instance.type_name();
}

std::optional<SchemaViolation> violation(const std::string& pointer, std::string message)
{
  return SchemaViolation{pointer, std::move(message)};
}

} // namespace

std::string pointer_token(const std::string& key)
{
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string SchemaViolation::str() const
{
  return (pointer.empty() ? std::string("at the root") : "at " + pointer) + ": " + message;
}

Result<JsonSchema> JsonSchema::compile(const Json& schema)
{
  JsonSchema compiled;
  if (auto ok = compile_node(schema, "", compiled.m_patterns); !ok) {
    return fail(ok.error());
  }
  compiled.m_schema = schema;
  return compiled;
}

std::optional<SchemaViolation> JsonSchema::validate(const Json& instance) const
{
  return check(m_schema, instance, "");
}

std::optional<SchemaViolation> JsonSchema::check(const Json& schema, const Json& instance,
                                                 const std::string& pointer) const
{
  if (schema.is_boolean()) {
    return schema.get<bool>() ? std::nullopt : violation(pointer, "no value is allowed here (schema false)");
  }
  if (const auto it = schema.find("type"); it != schema.end()) {
    const Json names = it->is_array() ? *it : Json::array({*it});
    const bool ok =
        std::any_of(names.begin(), names.end(), [&](const Json& n) { return has_type(instance, n); });
    if (!ok) {
      std::string expected;
      for (const auto& name : names) {
        expected += (expected.empty() ? "" : " or ") + name.get<std::string>();
      }
      return violation(pointer, "expected " + expected + ", got " + type_of(instance));
    }
  }
  if (const auto it = schema.find("enum"); it != schema.end()) {
    if (std::find(it->begin(), it->end(), instance) == it->end()) {
      return violation(pointer, json_snippet(instance, 40) + " is not one of " + json_snippet(*it, 60));
    }
  }
  if (const auto it = schema.find("const"); it != schema.end() && *it != instance) {
    return violation(pointer, "expected " + json_snippet(*it, 40) + ", got " + json_snippet(instance, 40));
  }
  if (instance.is_number()) {
    const double x = instance.get<double>();
    const std::string got = ", got " + instance.dump();
    if (auto it = schema.find("minimum"); it != schema.end() && x < it->get<double>()) {
      return violation(pointer, "must be >= " + it->dump() + got);
    }
    if (auto it = schema.find("maximum"); it != schema.end() && x > it->get<double>()) {
      return violation(pointer, "must be <= " + it->dump() + got);
    }
    if (auto it = schema.find("exclusiveMinimum"); it != schema.end() && x <= it->get<double>()) {
      return violation(pointer, "must be > " + it->dump() + got);
    }
    if (auto it = schema.find("exclusiveMaximum"); it != schema.end() && x >= it->get<double>()) {
      return violation(pointer, "must be < " + it->dump() + got);
    }
    if (auto it = schema.find("multipleOf"); it != schema.end()) {
      const double ratio = x / it->get<double>();
      if (std::fabs(ratio - std::round(ratio)) > 1e-9) {
        return violation(pointer, "must be a multiple of " + it->dump() + got);
      }
    }
  }
  if (instance.is_string()) {
    const std::string& text = instance.get_ref<const std::string&>();
    const auto length = static_cast<double>(utf8_length(text));
    if (auto it = schema.find("minLength"); it != schema.end() && length < it->get<double>()) {
      return violation(pointer,
                       "must be at least " + it->dump() + " characters, got " + format_number(length));
    }
    if (auto it = schema.find("maxLength"); it != schema.end() && length > it->get<double>()) {
      return violation(pointer,
                       "must be at most " + it->dump() + " characters, got " + format_number(length));
    }
    if (auto it = schema.find("pattern"); it != schema.end()) {
      const auto& re = m_patterns.at(it->get<std::string>());
      auto found = safe_regex_search(text, *re);
      if (!found || !*found) {
        return violation(pointer, "does not match pattern " + in_quotes(it->get<std::string>()) +
                                      (found ? "" : " (" + found.error().message + ")"));
      }
    }
  }
  if (instance.is_array()) {
    const auto count = static_cast<double>(instance.size());
    if (auto it = schema.find("minItems"); it != schema.end() && count < it->get<double>()) {
      return violation(pointer, "must have at least " + it->dump() + " items, got " + format_number(count));
    }
    if (auto it = schema.find("maxItems"); it != schema.end() && count > it->get<double>()) {
      return violation(pointer, "must have at most " + it->dump() + " items, got " + format_number(count));
    }
    if (auto it = schema.find("uniqueItems"); it != schema.end() && it->get<bool>()) {
      for (std::size_t i = 1; i < instance.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
          if (instance[i] == instance[j]) {
            return violation(pointer + "/" + std::to_string(i), "duplicates item " + std::to_string(j));
          }
        }
      }
    }
    if (auto it = schema.find("items"); it != schema.end()) {
      for (std::size_t i = 0; i < instance.size(); ++i) {
        if (auto bad = check(*it, instance[i], pointer + "/" + std::to_string(i))) {
          return bad;
        }
      }
    }
  }
  if (instance.is_object()) {
    const auto count = static_cast<double>(instance.size());
    if (auto it = schema.find("minProperties"); it != schema.end() && count < it->get<double>()) {
      return violation(pointer,
                       "must have at least " + it->dump() + " properties, got " + format_number(count));
    }
    if (auto it = schema.find("maxProperties"); it != schema.end() && count > it->get<double>()) {
      return violation(pointer,
                       "must have at most " + it->dump() + " properties, got " + format_number(count));
    }
    if (auto it = schema.find("required"); it != schema.end()) {
      for (const auto& name : *it) {
        if (!instance.contains(name.get<std::string>())) {
          return violation(pointer, "required property '" + name.get<std::string>() + "' is missing");
        }
      }
    }
    const auto properties = schema.find("properties");
    const auto additional = schema.find("additionalProperties");
    for (const auto& [key, value] : instance.items()) {
      const std::string here = pointer + "/" + pointer_token(key);
      if (properties != schema.end() && properties->contains(key)) {
        if (auto bad = check((*properties)[key], value, here)) {
          return bad;
        }
      } else if (additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          return violation(here, "property '" + key + "' is not allowed (additionalProperties: false)");
        }
        if (auto bad = check(*additional, value, here)) {
          return bad;
        }
      }
    }
  }
  if (auto it = schema.find("allOf"); it != schema.end()) {
    for (const auto& sub : *it) {
      if (auto bad = check(sub, instance, pointer)) {
        return bad;
      }
    }
  }
  if (auto it = schema.find("anyOf"); it != schema.end()) {
    std::optional<SchemaViolation> first;
    bool any = false;
    for (const auto& sub : *it) {
      auto bad = check(sub, instance, pointer);
      if (!bad) {
        any = true;
        break;
      }
      if (!first) {
        first = bad;
      }
    }
    if (!any) {
      return violation(pointer, "matches none of the " + std::to_string(it->size()) +
                                    " anyOf schemas (first: " + first->str() + ")");
    }
  }
  if (auto it = schema.find("oneOf"); it != schema.end()) {
    std::size_t matched = 0;
    for (const auto& sub : *it) {
      matched += check(sub, instance, pointer) ? 0 : 1;
    }
    if (matched != 1) {
      return violation(pointer, "matches " + std::to_string(matched) + " of the " +
                                    std::to_string(it->size()) + " oneOf schemas, expected exactly 1");
    }
  }
  if (auto it = schema.find("not"); it != schema.end() && !check(*it, instance, pointer)) {
    return violation(pointer, "must not match the 'not' schema");
  }
  return std::nullopt;
}

} // namespace evalgate
