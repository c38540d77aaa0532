// factuality: the output's factual content against the expected answer, choice A–E with autoevals'
// choice_scores (A 0.4 subset, B 0.6 superset, C 1 same, D 0 disagreement, E 1 immaterial
// difference). Default threshold 0.4: every choice but D passes, as promptfoo's factuality does.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

#include <map>

namespace evalgate {

namespace {

const std::map<std::string, double> k_choice_scores = {
    {"A", 0.4}, {"B", 0.6}, {"C", 1.0}, {"D", 0.0}, {"E", 1.0}};
const std::vector<std::string> k_choices = {"A", "B", "C", "D", "E"};

class FactualityJudge final : public SingleCallJudge {
public:
  explicit FactualityJudge(JudgeSetup setup) : SingleCallJudge(std::move(setup)) {}

private:
  std::variant<Json, Score> question(const EvalInput& input, JudgeCall& call) const override
  {
    auto inputs = m_setup.inputs(input, false, true, false);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    return data_values(*inputs);
  }

  std::string check(const Json& v) const override
  {
    return choice_field(v, "choice", k_choices) || choice_field(v, "grade", k_choices) ? "" : "no choice A-E";
  }

  Score grade(JudgeCall& call, const Json& verdict) const override
  {
    auto choice = choice_field(verdict, "choice", k_choices);
    if (!choice) {
      choice = choice_field(verdict, "grade", k_choices);
    }
    call.details()["choice"] = *choice;
    return call.graded(k_choice_scores.at(*choice), "(" + *choice + ") " + reason_field(verdict));
  }
};

} // namespace

Result<JudgePtr> make_factuality_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  auto setup = JudgeSetup::make(
      spec, context, "factuality", {},
      {{"verdict", {{"output", "question", "expected", "context"}, {"output", "expected"}}}}, 0.4);
  if (!setup) {
    return fail(setup.error());
  }
  return JudgePtr(std::make_unique<FactualityJudge>(std::move(*setup)));
}

} // namespace evalgate
