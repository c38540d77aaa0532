#pragma once
// judge/statement_verdicts: the judges whose verdict is a list of statements, each marked by the
// judge (answer-relevance: relevant or not; context-recall: attributed or not). One check of the
// verdict's shape and one tally into a share-of-statements score, so both word it the same way.

#include <functional>
#include <string>
#include <string_view>

#include "core/types.hpp"
#include "evaluators/judge/judge_base.hpp"

namespace evalgate {

// True when the judge marked the statement well formed; used both to check and to count.
using StatementMark = std::function<bool(const Json& statement)>;

// A VerdictCheck result for {"statements": [...]}: "" when every item is an object that `marked`
// accepts, else "no 'statements' list" or `unmarked_error`.
std::string check_statements(const Json& verdict, const StatementMark& marked,
                             std::string_view unmarked_error);

struct StatementTallyWording {
  std::string counted_phrase; // "statements relevant" → "2/3 statements relevant"
  std::string failing_label;  // "irrelevant" → "; irrelevant: 'x', ..."
  std::string failing_details_key;
};

// Score = #counted / #statements (statements must be non-empty), details: statements and the
// failing statements' texts.
Score grade_statement_share(JudgeCall& call, const Json& statements, const StatementMark& counted,
                            const StatementTallyWording& wording);

} // namespace evalgate
