// context-recall (ragas): the judge splits the expected answer into statements and marks each
// attributable to the retrieved context (1) or not (0); score = attributed / statements. No
// statement at all is an errored score (ragas: NaN; it cannot be computed, so it is not a 0).
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"
#include "evaluators/judge/statement_verdicts.hpp"

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
    auto verdict = call.ask("verdict", data_values(*inputs), [](const Json& v) {
      return check_statements(
          v, [](const Json& item) { return bool_field(item, "attributed").has_value(); },
          "a statement without 'attributed'");
    });
    if (!verdict) {
      return call.errored(verdict.error().message);
    }
    const Json& statements = (*verdict)["statements"];
    if (statements.empty()) {
      return call.errored("context recall undefined: the judge found no statement in the expected answer");
    }
    return grade_statement_share(
        call, statements, [](const Json& item) { return *bool_field(item, "attributed"); },
        {"statements of the expected answer found in the context", "missing", "unattributed_statements"});
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
