// context-precision (ragas, with reference): the judge marks each retrieved chunk useful (1) or not
// (0) for arriving at the expected answer, in retrieval order; score = average precision
// Σ_k v_k·precision@k / Σ v (0 when no chunk is useful). One call for all chunks (deepeval's
// shape) instead of ragas' call per chunk.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

namespace evalgate {

namespace {

std::optional<int> chunk_verdict(const Json& item)
{
  if (item.is_object()) {
    if (auto useful = bool_field(item, "verdict")) {
      return *useful ? 1 : 0;
    }
    return std::nullopt;
  }
  if (auto useful = bool_field(Json{{"v", item}}, "v")) {
    return *useful ? 1 : 0;
  }
  return std::nullopt;
}

class ContextPrecisionJudge final : public Evaluator {
public:
  explicit ContextPrecisionJudge(JudgeSetup setup) : m_setup(std::move(setup)) {}

  Score evaluate(const EvalInput& input) const override
  {
    JudgeCall call(m_setup);
    auto inputs = m_setup.inputs(input, true, true, true);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    Json values = data_values(*inputs);
    values["chunk_count"] = std::to_string(inputs->context.size());
    const std::size_t count = inputs->context.size();
    auto verdict = call.ask("verdict", values, [count](const Json& v) -> std::string {
      auto it = v.find("verdicts");
      if (it == v.end() || !it->is_array() || it->size() != count) {
        return "expected " + std::to_string(count) + " verdicts";
      }
      for (const auto& item : *it) {
        if (!chunk_verdict(item)) {
          return "a verdict that is not 1 or 0";
        }
      }
      return "";
    });
    if (!verdict) {
      return call.errored(verdict.error().message);
    }
    std::vector<int> useful;
    for (const auto& item : (*verdict)["verdicts"]) {
      useful.push_back(*chunk_verdict(item));
    }
    double sum = 0;
    int hits = 0;
    for (std::size_t k = 0; k < useful.size(); ++k) {
      hits += useful[k];
      if (useful[k] == 1) {
        sum += static_cast<double>(hits) / static_cast<double>(k + 1);
      }
    }
    call.details()["verdicts"] = useful;
    const double value = hits == 0 ? 0.0 : sum / hits;
    return call.graded(value, std::to_string(hits) + "/" + std::to_string(useful.size()) +
                                  " chunks useful (average precision over their ranks)");
  }

  bool calls_model() const override { return true; }

private:
  JudgeSetup m_setup;
};

} // namespace

Result<JudgePtr> make_context_precision_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  auto setup = JudgeSetup::make(
      spec, context, "context-precision", {},
      {{"verdict", {{"output", "question", "expected", "context", "chunk_count"}, {"expected", "context"}}}},
      0.5);
  if (!setup) {
    return fail(setup.error());
  }
  return JudgePtr(std::make_unique<ContextPrecisionJudge>(std::move(*setup)));
}

} // namespace evalgate
