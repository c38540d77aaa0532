// context-recall (ragas): the judge splits the expected answer into statements and marks each
// attributable to the retrieved context (1) or not (0); score = attributed / statements. No
// statement at all is an errored score (ragas: NaN; it cannot be computed, so it is not a 0).
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

namespace evalgate {

namespace {

class ContextRecallJudge final : public Evaluator {
public:
  explicit ContextRecallJudge(JudgeSetup setup) : m_setup(std::move(setup)) {}

  Score evaluate(const EvalInput& input) const override
  {
    JudgeCall call(m_setup);
    auto inputs = m_setup.inputs(input, false, true, true);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    auto verdict = call.ask("verdict", data_values(*inputs), [](const Json& v) -> std::string {
      auto it = v.find("statements");
      if (it == v.end() || !it->is_array()) {
        return "no 'statements' list";
      }
      for (const auto& item : *it) {
        if (!item.is_object() || !bool_field(item, "attributed")) {
          return "a statement without 'attributed'";
        }
      }
      return "";
    });
    if (!verdict) {
      return call.errored(verdict.error().message);
    }
    const Json& statements = (*verdict)["statements"];
    if (statements.empty()) {
      return call.errored("context recall undefined: the judge found no statement in the expected answer");
    }
    std::size_t attributed = 0;
    std::vector<std::string> missing;
    for (const auto& item : statements) {
      if (*bool_field(item, "attributed")) {
        ++attributed;
      } else {
        missing.push_back(item.value("statement", std::string("?")));
      }
    }
    call.details()["statements"] = statements.size();
    call.details()["unattributed_statements"] = missing;
    std::string reason = std::to_string(attributed) + "/" + std::to_string(statements.size()) +
                         " statements of the expected answer found in the context";
    if (!missing.empty()) {
      reason += "; missing: '" + missing.front() + "'" + (missing.size() > 1 ? ", ..." : "");
    }
    return call.graded(static_cast<double>(attributed) / static_cast<double>(statements.size()), reason);
  }

  bool calls_model() const override { return true; }

private:
  JudgeSetup m_setup;
};

} // namespace

Result<JudgePtr> make_context_recall_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  auto setup = JudgeSetup::make(
      spec, context, "context-recall", {},
      {{"verdict", {{"output", "question", "expected", "context"}, {"expected", "context"}}}}, 0.5);
  if (!setup) {
    return fail(setup.error());
  }
  return JudgePtr(std::make_unique<ContextRecallJudge>(std::move(*setup)));
}

} // namespace evalgate
