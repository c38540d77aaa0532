#include "suite/dataset_formats.hpp"

#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

Result<std::size_t> read_tree(const std::string& text, const DatasetSource& source, bool json, const CaseSink& sink)
{
  auto document = parse_yaml(text, source.display, json, ErrorCategory::data);
  if (!document) {
    return fail(document.error());
  }
  const YAML::Node& root = *document;
  if (is_nothing(root)) {
    return fail(ErrorCategory::data, "no cases", file_location(source.display));
  }
  const char* element_kind = json ? "an object" : "a mapping";
  if (!root.IsSequence()) {
    return fail(ErrorCategory::data,
                std::string("expected a list of ") + (json ? "objects" : "mappings") + " (one per case), got " +
                  describe(root),
                node_location(source.display, root));
  }
  std::size_t count = 0;
  long row = 0;
  for (const auto& element : root) {
    ++row;
    const Location where = node_location(source.display, element);
    if (!element.IsMap()) {
      return fail(ErrorCategory::data,
                  "element " + std::to_string(row) + " must be " + element_kind + ", got " + describe(element), where);
    }
    auto fields = to_json(element, source.display, ErrorCategory::data);
    if (!fields) {
      return fail(fields.error());
    }
    auto built = make_case(std::move(*fields), source, row, where, false);
    if (!built) {
      return fail(built.error());
    }
    if (auto taken = sink(std::move(*built)); !taken) {
      return fail(taken.error());
    }
    ++count;
  }
  return count;
}

} // namespace evalgate::suite_detail
