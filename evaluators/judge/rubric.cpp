// rubric: pass / score / reason against a user rubric (promptfoo llm-rubric). value = the judge's
// score in [0,1] (its pass alone when it gives no score); pass = value >= threshold AND the judge
// said pass.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

#include <algorithm>

namespace evalgate {

namespace {

class RubricJudge final : public SingleCallJudge {
public:
  RubricJudge(JudgeSetup setup, TemplatedText rubric)
      : SingleCallJudge(std::move(setup)), m_rubric(std::move(rubric))
  {
  }

private:
  std::variant<Json, Score> question(const EvalInput& input, JudgeCall& call) const override
  {
    auto inputs = m_setup.inputs(input, false, false, false);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    auto rubric = m_rubric.render(input.test_case.vars);
    if (!rubric) {
      return call.errored(rubric.error().message);
    }
    Json values = data_values(*inputs);
    values["rubric"] = std::move(*rubric);
    return values;
  }

  std::string check(const Json& v) const override
  {
    return bool_field(v, "pass") || number_field(v, "score") ? "" : "no 'pass' or 'score'";
  }

  Score grade(JudgeCall& call, const Json& verdict) const override
  {
    auto pass = bool_field(verdict, "pass");
    auto score = number_field(verdict, "score");
    double value = score ? std::clamp(*score, 0.0, 1.0) : (*pass ? 1.0 : 0.0);
    return call.graded(value, reason_field(verdict), pass.value_or(true));
  }

  TemplatedText m_rubric;
};

} // namespace

Result<JudgePtr> make_rubric_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  auto setup = JudgeSetup::make(
      spec, context, "rubric", {"rubric"},
      {{"verdict", {{"output", "question", "expected", "context", "rubric"}, {"output"}}}}, 0.5);
  if (!setup) {
    return fail(setup.error());
  }
  auto rubric = read_judge_text(spec, "rubric", "what a good output does, in words the judge applies");
  if (!rubric) {
    return fail(rubric.error());
  }
  return JudgePtr(std::make_unique<RubricJudge>(std::move(*setup), std::move(*rubric)));
}

} // namespace evalgate
