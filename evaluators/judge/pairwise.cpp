// pairwise: the output against a reference answer (`against`, e.g. "{{expected}}" or a baseline
// model's stored answer), judged twice with the two swapped so position bias cancels: in order 1
// the output is response A, in order 2 response B. When both orders agree the result is theirs
// (win 1, loss 0, tie 0.5); when they disagree it is a tie, 0.5, and details.position_bias is
// true. Default threshold 0.5: pass = not worse than the reference.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

namespace evalgate {

namespace {

const std::vector<std::string> k_winners = {"A", "B", "TIE"};

// The output's result in one order: "win", "loss" or "tie".
std::string outcome(const std::string& winner, bool output_is_a)
{
  if (winner == "TIE") {
    return "tie";
  }
  return (winner == "A") == output_is_a ? "win" : "loss";
}

double value_of(const std::string& result)
{
  return result == "win" ? 1.0 : result == "loss" ? 0.0 : 0.5;
}

class PairwiseJudge final : public Evaluator {
public:
  PairwiseJudge(JudgeSetup setup, TemplatedText against, std::optional<TemplatedText> criteria)
      : m_setup(std::move(setup)), m_against(std::move(against)), m_criteria(std::move(criteria))
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    JudgeCall call(m_setup);
    auto inputs = m_setup.inputs(input, false, false, false);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    auto against = m_against.render(input.test_case.vars);
    if (!against) {
      return call.errored(against.error().message);
    }
    Json values = data_values(*inputs);
    values["criteria"] = "(none given)";
    if (m_criteria) {
      auto criteria = m_criteria->render(input.test_case.vars);
      if (!criteria) {
        return call.errored(criteria.error().message);
      }
      values["criteria"] = *criteria;
    }
    const auto check = [](const Json& v) -> std::string {
      return choice_field(v, "winner", k_winners) ? "" : "no winner A, B or tie";
    };
    std::vector<std::string> results;
    std::vector<std::string> reasons;
    for (bool output_is_a : {true, false}) {
      values["first"] = data_block("RESPONSE A", output_is_a ? inputs->output : *against);
      values["second"] = data_block("RESPONSE B", output_is_a ? *against : inputs->output);
      auto verdict = call.ask("verdict", values, check);
      if (!verdict) {
        return call.errored(verdict.error().message);
      }
      results.push_back(outcome(*choice_field(*verdict, "winner", k_winners), output_is_a));
      reasons.push_back(reason_field(*verdict));
    }
    const bool agree = results[0] == results[1];
    call.details()["orders"] = results;
    call.details()["position_bias"] = !agree;
    const std::string result = agree ? results[0] : "tie";
    std::string reason = agree ? "both orders: output " + result + "; " + reasons[0]
                               : "orders disagree (" + results[0] + " as A, " + results[1] + " as B): tie";
    return call.graded(value_of(result), reason);
  }

  bool calls_model() const override { return true; }

private:
  JudgeSetup m_setup;
  TemplatedText m_against;
  std::optional<TemplatedText> m_criteria;
};

} // namespace

Result<JudgePtr> make_pairwise_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  auto setup = JudgeSetup::make(
      spec, context, "pairwise", {"against", "criteria"},
      {{"verdict",
        {{"output", "question", "expected", "context", "criteria", "first", "second"}, {"first", "second"}}}},
      0.5);
  if (!setup) {
    return fail(setup.error());
  }
  auto against =
      read_judge_text(spec, "against", "the reference answer to compare with, e.g. \"{{expected}}\"");
  if (!against) {
    return fail(against.error());
  }
  std::optional<TemplatedText> criteria;
  if (SpecReader(spec).find("criteria") != nullptr) {
    auto read = read_judge_text(spec, "criteria", "what makes one response better");
    if (!read) {
      return fail(read.error());
    }
    criteria = std::move(*read);
  }
  return JudgePtr(
      std::make_unique<PairwiseJudge>(std::move(*setup), std::move(*against), std::move(criteria)));
}

} // namespace evalgate
