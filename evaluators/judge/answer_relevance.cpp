// answer-relevance (LLM variant, deepeval's AnswerRelevancy in one call): the judge splits the
// output into statements and marks each yes / no / idk relevant to the question; score =
// #(verdict != no) / #statements; an output with no statements scores 1 (deepeval). The embedding
// variant (ragas: generated questions vs the real one) lives in evaluators/embedding.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

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
    auto verdict = call.ask("verdict", data_values(*inputs), [](const Json& v) -> std::string {
      auto it = v.find("statements");
      if (it == v.end() || !it->is_array()) {
        return "no 'statements' list";
      }
      for (const auto& item : *it) {
        if (!item.is_object() || !choice_field(item, "verdict", k_verdicts)) {
          return "a statement without a yes/no/idk verdict";
        }
      }
      return "";
    });
    if (!verdict) {
      return call.errored(verdict.error().message);
    }
    const Json& statements = (*verdict)["statements"];
    std::vector<std::string> irrelevant;
    for (const auto& item : statements) {
      if (*choice_field(item, "verdict", k_verdicts) == "NO") {
        irrelevant.push_back(item.value("statement", std::string("?")));
      }
    }
    call.details()["statements"] = statements.size();
    call.details()["irrelevant_statements"] = irrelevant;
    if (statements.empty()) {
      return call.graded(1.0, "the output makes no statement");
    }
    const double relevant = static_cast<double>(statements.size() - irrelevant.size());
    std::string reason = std::to_string(statements.size() - irrelevant.size()) + "/" +
                         std::to_string(statements.size()) + " statements relevant";
    if (!irrelevant.empty()) {
      reason += "; irrelevant: '" + irrelevant.front() + "'" + (irrelevant.size() > 1 ? ", ..." : "");
    }
    return call.graded(relevant / static_cast<double>(statements.size()), reason);
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
