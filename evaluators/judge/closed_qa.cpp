// closed-qa: does the output meet the `criteria` for the task (autoevals ClosedQA)? Y = 1, N = 0.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

namespace evalgate {

namespace {

const std::vector<std::string> k_choices = {"Y", "N", "YES", "NO"};

class ClosedQaJudge final : public SingleCallJudge {
public:
  ClosedQaJudge(JudgeSetup setup, TemplatedText criteria)
      : SingleCallJudge(std::move(setup)), m_criteria(std::move(criteria))
  {
  }

private:
  std::variant<Json, Score> question(const EvalInput& input, JudgeCall& call) const override
  {
    auto inputs = m_setup.inputs(input, true, false, false);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    auto criteria = m_criteria.render(input.test_case.vars);
    if (!criteria) {
      return call.errored(criteria.error().message);
    }
    Json values = data_values(*inputs);
    values["criteria"] = *criteria;
    return values;
  }

  std::string check(const Json& v) const override
  {
    return choice_field(v, "choice", k_choices) || choice_field(v, "grade", k_choices) ? ""
                                                                                       : "no choice Y or N";
  }

  Score grade(JudgeCall& call, const Json& verdict) const override
  {
    auto choice = choice_field(verdict, "choice", k_choices);
    if (!choice) {
      choice = choice_field(verdict, "grade", k_choices);
    }
    const bool yes = choice->front() == 'Y';
    call.details()["choice"] = yes ? "Y" : "N";
    return call.graded(yes ? 1.0 : 0.0, reason_field(verdict));
  }

  TemplatedText m_criteria;
};

} // namespace

Result<JudgePtr> make_closed_qa_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  auto setup = JudgeSetup::make(
      spec, context, "closed-qa", {"criteria"},
      {{"verdict", {{"output", "question", "expected", "context", "criteria"}, {"output"}}}}, 0.5);
  if (!setup) {
    return fail(setup.error());
  }
  auto criteria = read_judge_text(spec, "criteria", "the criterion the output must meet");
  if (!criteria) {
    return fail(criteria.error());
  }
  return JudgePtr(std::make_unique<ClosedQaJudge>(std::move(*setup), std::move(*criteria)));
}

} // namespace evalgate
