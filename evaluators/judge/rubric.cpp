// rubric: pass / score / reason against a user rubric (promptfoo llm-rubric). value = the judge's
// score in [0,1] (its pass alone when it gives no score); pass = value >= threshold AND the judge
// said pass.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

#include <algorithm>

namespace evalgate {

namespace {

class RubricJudge final : public Evaluator {
public:
  RubricJudge(JudgeSetup setup, TemplatedText rubric) : m_setup(std::move(setup)), m_rubric(std::move(rubric))
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    JudgeCall call(m_setup);
    auto inputs = m_setup.inputs(input, false, false, false);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    auto rubric = m_rubric.render(input.test_case.vars);
    if (!rubric) {
      return call.errored(rubric.error().message);
    }
    Json values = data_values(*inputs);
    values["rubric"] = *rubric;
    auto verdict = call.ask("verdict", values, [](const Json& v) -> std::string {
      return bool_field(v, "pass") || number_field(v, "score") ? "" : "no 'pass' or 'score'";
    });
    if (!verdict) {
      return call.errored(verdict.error().message);
    }
    auto pass = bool_field(*verdict, "pass");
    auto score = number_field(*verdict, "score");
    double value = score ? std::clamp(*score, 0.0, 1.0) : (*pass ? 1.0 : 0.0);
    return call.graded(value, reason_field(*verdict), pass.value_or(true));
  }

  bool calls_model() const override { return true; }

private:
  JudgeSetup m_setup;
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
