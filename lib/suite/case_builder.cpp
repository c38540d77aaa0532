#include "suite/dataset_formats.hpp"

#include "core/json_depth.hpp"

#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

namespace {

std::string type_name(const Json& value)
{
  switch (value.type()) {
  case Json::value_t::null: return "null";
  case Json::value_t::boolean: return "a boolean";
  case Json::value_t::string: return "a string";
  case Json::value_t::array: return "a list";
  case Json::value_t::object: return "an object";
  default: return "a number";
  }
}

Unexpected field_error(const std::string& field, const std::string& expected, const Json& got, const Location& where)
{
  return fail(ErrorCategory::data, "field '" + field + "' must be " + expected + ", got " + type_name(got), where);
}

std::string trim(const std::string& s)
{
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return {};
  }
  const auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

// "a, b; c" → [a, b, c]: one string cell holds several tags in CSV and shorthand YAML.
void split_tags(const std::string& text, std::vector<std::string>& out)
{
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t stop = text.find_first_of(",;", start);
    std::string tag = trim(text.substr(start, stop == std::string::npos ? std::string::npos : stop - start));
    if (!tag.empty()) {
      out.push_back(std::move(tag));
    }
    if (stop == std::string::npos) {
      break;
    }
    start = stop + 1;
  }
}

// CSV cells are strings; `metadata` and `evaluators` cells carry JSON text.
Result<Json> cell_json(const std::string& field, const Json& cell, const Location& where)
{
  if (!cell.is_string()) {
    return cell;
  }
  const std::string text = trim(cell.get<std::string>());
  if (text.empty()) {
    return Json(nullptr);
  }
  Json parsed = parse_json_bounded(text);
  if (parsed.is_discarded()) {
    return fail(ErrorCategory::data, "field '" + field + "' must hold JSON in a CSV cell, got '" + text + "'", where);
  }
  return parsed;
}

Result<void> lift_evaluators(const Json& value, const Location& where, Case& out)
{
  if (!value.is_array()) {
    return field_error("evaluators", "a list of mappings with a 'type'", value, where);
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Json& item = value[i];
    const std::string position = "evaluators[" + std::to_string(i + 1) + "]";
    if (!item.is_object()) {
      return fail(ErrorCategory::data,
                  position + " must be a mapping with a 'type' (e.g. {\"type\": \"contains\", \"value\": \"...\"}), got " +
                    type_name(item),
                  where);
    }
    auto type = item.find("type");
    if (type == item.end() || !type->is_string() || type->get<std::string>().empty()) {
      return fail(ErrorCategory::data, position + " needs 'type' (an evaluator type name)", where);
    }
    EvaluatorSpec spec;
    spec.type = type->get<std::string>();
    spec.name = spec.type;
    if (auto name = item.find("name"); name != item.end()) {
      if (!name->is_string() || name->get<std::string>().empty()) {
        return fail(ErrorCategory::data, position + " 'name' must be a non-empty string, got " + type_name(*name),
                    where);
      }
      spec.name = name->get<std::string>();
    }
    spec.config = item;
    spec.location = where;
    out.evaluators.push_back(std::move(spec));
  }
  return {};
}

} // namespace

Result<Case> make_case(Json fields, const DatasetSource& source, long row, const Location& where, bool csv)
{
  Case out;
  out.dataset = source.display;
  out.row = row;
  out.location = where;
  out.id = source.stem + "-" + std::to_string(row);

  if (auto it = fields.find("id"); it != fields.end() && !it->is_null()) {
    if (it->is_string()) {
      if (!it->get<std::string>().empty()) {
        out.id = it->get<std::string>();
      }
    } else if (it->is_number_integer()) {
      out.id = it->dump();
    } else {
      return field_error("id", "a string or an integer", *it, where);
    }
  }
  if (auto it = fields.find("expected"); it != fields.end() && !it->is_null()) {
    out.expected = it->is_string() ? it->get<std::string>() : it->dump();
  }
  if (auto it = fields.find("context"); it != fields.end() && !it->is_null()) {
    bool ok = it->is_string() || it->is_array();
    if (it->is_array()) {
      for (const auto& item : *it) {
        ok = ok && item.is_string();
      }
    }
    if (!ok) {
      return field_error("context", "a string or a list of strings", *it, where);
    }
    out.context = *it;
  }
  if (auto it = fields.find("tags"); it != fields.end() && !it->is_null()) {
    if (it->is_string()) {
      split_tags(it->get<std::string>(), out.tags);
    } else if (it->is_array()) {
      for (const auto& tag : *it) {
        if (!tag.is_string()) {
          return field_error("tags", "a list of strings", *it, where);
        }
        out.tags.push_back(tag.get<std::string>());
      }
    } else {
      return field_error("tags", "a list of strings or one string", *it, where);
    }
  }
  if (auto it = fields.find("metadata"); it != fields.end()) {
    auto metadata = csv ? cell_json("metadata", *it, where) : Result<Json>(*it);
    if (!metadata) {
      return fail(metadata.error());
    }
    if (!metadata->is_null() && !metadata->is_object()) {
      return field_error("metadata", "an object", *metadata, where);
    }
    if (metadata->is_object()) {
      out.metadata = *metadata;
      *it = *metadata; // a CSV cell's JSON text becomes the object, so {{metadata.x}} renders
    }
  }
  if (auto it = fields.find("evaluators"); it != fields.end()) {
    auto evaluators = csv ? cell_json("evaluators", *it, where) : Result<Json>(*it);
    if (!evaluators) {
      return fail(evaluators.error());
    }
    if (!evaluators->is_null()) {
      if (auto lifted = lift_evaluators(*evaluators, where, out); !lifted) {
        return fail(lifted.error());
      }
    }
    fields.erase(it);
  }
  out.vars = std::move(fields);
  return out;
}

} // namespace evalgate::suite_detail
