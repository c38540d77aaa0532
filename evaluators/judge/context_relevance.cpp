// context-relevance: how relevant the retrieved context is to the question, one judge rating
// 0/1/2 → 0, 0.5, 1 (ragas' NVIDIA ContextRelevance with one prompt instead of two). An empty
// context, or one equal to / contained in the question, is 0 without a call, as ragas does.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

#include <cmath>

namespace evalgate {

namespace {

class ContextRelevanceJudge final : public SingleCallJudge {
public:
  explicit ContextRelevanceJudge(JudgeSetup setup) : SingleCallJudge(std::move(setup)) {}

private:
  std::variant<Json, Score> question(const EvalInput& input, JudgeCall& call) const override
  {
    auto inputs = m_setup.inputs(input, true, false, false);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    std::string joined;
    for (const auto& chunk : inputs->context) {
      joined += chunk;
    }
    if (joined.empty() || inputs->question->find(joined) != std::string::npos) {
      return call.graded(0.0, "the context is empty or only repeats the question");
    }
    return data_values(*inputs);
  }

  std::string check(const Json& v) const override
  {
    auto rating = number_field(v, "rating");
    return rating && (*rating == 0 || *rating == 1 || *rating == 2) ? "" : "no rating 0, 1 or 2";
  }

  Score grade(JudgeCall& call, const Json& verdict) const override
  {
    const double rating = *number_field(verdict, "rating");
    call.details()["rating"] = rating;
    return call.graded(rating / 2.0, reason_field(verdict));
  }
};

} // namespace

Result<JudgePtr> make_context_relevance_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  auto setup = JudgeSetup::make(
      spec, context, "context-relevance", {},
      {{"verdict", {{"output", "question", "expected", "context"}, {"question", "context"}}}}, 0.5);
  if (!setup) {
    return fail(setup.error());
  }
  return JudgePtr(std::make_unique<ContextRelevanceJudge>(std::move(*setup)));
}

} // namespace evalgate
