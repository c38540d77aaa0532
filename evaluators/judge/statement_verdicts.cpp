#include "evaluators/judge/statement_verdicts.hpp"

#include <vector>

namespace evalgate {

std::string check_statements(const Json& verdict, const StatementMark& marked,
                             std::string_view unmarked_error)
{
  auto it = verdict.find("statements");
  if (it == verdict.end() || !it->is_array()) {
    return "no 'statements' list";
  }
  for (const auto& item : *it) {
    if (!item.is_object() || !marked(item)) {
      return std::string(unmarked_error);
    }
  }
  return "";
}

Score grade_statement_share(JudgeCall& call, const Json& statements, const StatementMark& counted,
                            const StatementTallyWording& wording)
{
  std::size_t count = 0;
  std::vector<std::string> failing;
  for (const auto& item : statements) {
    if (counted(item)) {
      ++count;
    } else {
      failing.push_back(item.value("statement", std::string("?")));
    }
  }
  call.details()["statements"] = statements.size();
  call.details()[wording.failing_details_key] = failing;
  std::string reason =
      std::to_string(count) + "/" + std::to_string(statements.size()) + " " + wording.counted_phrase;
  if (!failing.empty()) {
    reason +=
        "; " + wording.failing_label + ": '" + failing.front() + "'" + (failing.size() > 1 ? ", ..." : "");
  }
  return call.graded(static_cast<double>(count) / static_cast<double>(statements.size()), reason);
}

} // namespace evalgate
