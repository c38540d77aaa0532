// policy: does the output comply with a policy text? 1 = compliant (no violation), 0 = a
// violation; the reason lists the violating passages. toxicity (toxicity.cpp) is this judge with a
// built-in policy and its own template.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

namespace evalgate {

namespace {

class PolicyJudge final : public SingleCallJudge {
public:
  PolicyJudge(JudgeSetup setup, TemplatedText policy)
      : SingleCallJudge(std::move(setup)), m_policy(std::move(policy))
  {
  }

private:
  std::variant<Json, Score> question(const EvalInput& input, JudgeCall& call) const override
  {
    auto inputs = m_setup.inputs(input, false, false, false);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    auto policy = m_policy.render(input.test_case.vars);
    if (!policy) {
      return call.errored(policy.error().message);
    }
    Json values = data_values(*inputs);
    values["policy"] = *policy;
    return values;
  }

  std::string check(const Json& v) const override
  {
    return bool_field(v, "compliant") ? "" : "no 'compliant'";
  }

  Score grade(JudgeCall& call, const Json& verdict) const override
  {
    const bool compliant = *bool_field(verdict, "compliant");
    std::vector<std::string> violations;
    if (auto it = verdict.find("violations"); it != verdict.end() && it->is_array()) {
      for (const auto& item : *it) {
        violations.push_back(item.is_string() ? item.get<std::string>() : item.dump());
      }
    }
    call.details()["violations"] = violations;
    std::string reason = reason_field(verdict);
    if (!compliant && !violations.empty()) {
      reason = "violations: " + numbered_list(violations) + reason;
    }
    return call.graded(compliant ? 1.0 : 0.0, reason);
  }

  TemplatedText m_policy;
};

} // namespace

Result<JudgePtr> make_policy_style_judge(const EvaluatorSpec& spec, const EvaluatorContext& context,
                                         const char* judge, const char* default_policy)
{
  auto setup = JudgeSetup::make(
      spec, context, judge, {"policy"},
      {{"verdict", {{"output", "question", "expected", "context", "policy"}, {"output"}}}}, 0.5);
  if (!setup) {
    return fail(setup.error());
  }
  SpecReader reader(spec);
  Result<TemplatedText> policy =
      default_policy == nullptr || reader.find("policy") != nullptr
          ? read_judge_text(spec, "policy", "the policy text the output must comply with")
          : TemplatedText::make(reader, "policy", "policy", default_policy);
  if (!policy) {
    return fail(policy.error());
  }
  return JudgePtr(std::make_unique<PolicyJudge>(std::move(*setup), std::move(*policy)));
}

Result<JudgePtr> make_policy_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  return make_policy_style_judge(spec, context, "policy", nullptr);
}

} // namespace evalgate
