#include "suite/dataset_formats.hpp"
#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

namespace {

bool blank(const std::string& line) { return line.find_first_not_of(" \t\r\n") == std::string::npos; }

// nlohmann's message without its "[json.exception.parse_error.101] " tag; a line is parsed on its
// own, so "at line 1, column 7" is really "at column 7" of this row.
std::string parser_message(const std::string& what)
{
  std::string message = what;
  if (!message.empty() && message.front() == '[') {
    if (auto close = message.find("] "); close != std::string::npos) {
      message.erase(0, close + 2);
    }
  }
  const std::string first_line = "at line 1, column ";
  if (auto at = message.find(first_line); at != std::string::npos) {
    message.replace(at, first_line.size(), "at column ");
  }
  return message;
}

} // namespace

Result<std::vector<Case>> read_jsonl(std::istream& in, const DatasetSource& source)
{
  std::vector<Case> cases;
  std::string line;
  long row = 0;
  while (std::getline(in, line)) {
    ++row;
    if (row == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) {
      line.erase(0, 3);
    }
    if (blank(line)) {
      continue;
    }
    const Location where = row_location(source.display, row);
    Json fields;
    try {
      fields = Json::parse(line);
    } catch (const Json::parse_error& e) {
      return fail(ErrorCategory::data, "invalid JSON: " + parser_message(e.what()), where);
    }
    if (!fields.is_object()) {
      return fail(ErrorCategory::data,
                  std::string("expected one JSON object per line, got ") +
                    (fields.is_array() ? "an array" : std::string("a ") + fields.type_name()),
                  where);
    }
    auto built = make_case(std::move(fields), source, row, where, false);
    if (!built) {
      return fail(built.error());
    }
    cases.push_back(std::move(*built));
  }
  if (in.bad()) {
    return fail(ErrorCategory::data, "read failed after row " + std::to_string(row), file_location(source.display));
  }
  return cases;
}

} // namespace evalgate::suite_detail
