// rubric: pass / score / reason against a user rubric (promptfoo llm-rubric). value = the judge's
// score in [0,1] (its pass alone when it gives no score); pass = value >= threshold AND the judge
// said pass.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

#include <algorithm>
#include <future>
#include <memory>

namespace evalgate {

namespace {

class RubricJudge final : public Evaluator {
public:
  RubricJudge(JudgeSetup setup, TemplatedText rubric) : m_setup(std::move(setup)), m_rubric(std::move(rubric))
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    std::promise<Score> scored;
    auto score = scored.get_future();
    evaluate_async(input, [&scored](Score s) { scored.set_value(std::move(s)); });
    return score.get();
  }

  // One judge call: asked here, graded where the answer lands, no thread waiting in between.
  void evaluate_async(const EvalInput& input, ScoreDone done) const override
  {
    auto call = std::make_shared<JudgeCall>(m_setup);
    auto inputs = m_setup.inputs(input, false, false, false);
    if (!inputs) {
      done(call->errored(inputs.error().message));
      return;
    }
    auto rubric = m_rubric.render(input.test_case.vars);
    if (!rubric) {
      done(call->errored(rubric.error().message));
      return;
    }
    Json values = data_values(*inputs);
    values["rubric"] = std::move(*rubric);
    call->ask_async("verdict", values, check_verdict,
                    [call, done = std::move(done)](Result<Json> verdict) { done(grade(*call, verdict)); });
  }

  bool evaluates_async() const override { return true; }
  bool calls_model() const override { return true; }

private:
  static std::string check_verdict(const Json& v)
  {
    return bool_field(v, "pass") || number_field(v, "score") ? "" : "no 'pass' or 'score'";
  }

  static Score grade(JudgeCall& call, const Result<Json>& verdict)
  {
    if (!verdict) {
      return call.errored(verdict.error().message);
    }
    auto pass = bool_field(*verdict, "pass");
    auto score = number_field(*verdict, "score");
    double value = score ? std::clamp(*score, 0.0, 1.0) : (*pass ? 1.0 : 0.0);
    return call.graded(value, reason_field(*verdict), pass.value_or(true));
  }

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
