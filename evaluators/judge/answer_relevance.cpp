// answer-relevance (LLM variant, deepeval's AnswerRelevancy in one call): the judge splits the
// output into statements and marks each yes / no / idk relevant to the question; score =
// #(verdict != no) / #statements; an output with no statements scores 1 (deepeval). The embedding
// variant (ragas: generated questions vs the real one) lives in evaluators/embedding.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"
#include "evaluators/judge/statement_verdicts.hpp"

namespace evalgate {

namespace {

const std::vector<std::string> k_verdicts = {"YES", "NO", "IDK"};

class AnswerRelevanceJudge final : public Evaluator {
public:
  explicit AnswerRelevanceJudge(JudgeSetup setup) : m_setup(std::move(setup)) {}

  Score evaluate(const EvalInput& input) const override
  {
    JudgeCall call(m_setup);
    auto inputs = m_setup.inputs(input, true, false, false);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    auto verdict = call.ask("verdict", data_values(*inputs), [](const Json& v) {
      return check_statements(
          v, [](const Json& item) { return choice_field(item, "verdict", k_verdicts).has_value(); },
          "a statement without a yes/no/idk verdict");
    });
    if (!verdict) {
      return call.errored(verdict.error().message);
    }
    const Json& statements = (*verdict)["statements"];
    if (statements.empty()) {
      call.details()["statements"] = 0;
      call.details()["irrelevant_statements"] = Json::array();
      return call.graded(1.0, "the output makes no statement");
    }
    return grade_statement_share(
        call, statements, [](const Json& item) { return *choice_field(item, "verdict", k_verdicts) != "NO"; },
        {"statements relevant", "irrelevant", "irrelevant_statements"});
  }

  bool calls_model() const override { return true; }

private:
  JudgeSetup m_setup;
};

} // namespace

Result<JudgePtr> make_answer_relevance_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  auto setup = JudgeSetup::make(
      spec, context, "answer-relevance", {},
      {{"verdict", {{"output", "question", "expected", "context"}, {"output", "question"}}}}, 0.5);
  if (!setup) {
    return fail(setup.error());
  }
  return JudgePtr(std::make_unique<AnswerRelevanceJudge>(std::move(*setup)));
}

} // namespace evalgate
