// groundedness (alias faithfulness): the judge extracts the output's factual claims, then verifies
// each against the context; score = supported / total, and the reason lists the unsupported
// claims. "Supported" is ragas' rule (directly inferable from the context); a claim the context
// does not mention counts against the output, unlike deepeval's default. An output with no factual
// claim scores 1 (nothing in it is ungrounded; deepeval's choice — ragas returns NaN) and its
// details say claims: 0.
#include "evaluators/judge/judge.hpp"
#include "evaluators/judge/judge_base.hpp"

namespace evalgate {

namespace {

std::vector<std::string> string_list(const Json& verdict, const char* key)
{
  std::vector<std::string> items;
  if (auto it = verdict.find(key); it != verdict.end() && it->is_array()) {
    for (const auto& item : *it) {
      if (item.is_string() && !item.get<std::string>().empty()) {
        items.push_back(item.get<std::string>());
      }
    }
  }
  return items;
}

class GroundednessJudge final : public Evaluator {
public:
  explicit GroundednessJudge(JudgeSetup setup) : m_setup(std::move(setup)) {}

  Score evaluate(const EvalInput& input) const override
  {
    JudgeCall call(m_setup);
    auto inputs = m_setup.inputs(input, false, false, true);
    if (!inputs) {
      return call.errored(inputs.error().message);
    }
    Json values = data_values(*inputs);
    values["claims"] = "";
    auto extracted = call.ask("claims", values, [](const Json& v) -> std::string {
      auto it = v.find("claims");
      return it != v.end() && it->is_array() ? "" : "no 'claims' list";
    });
    if (!extracted) {
      return call.errored(extracted.error().message);
    }
    const std::vector<std::string> claims = string_list(*extracted, "claims");
    call.details()["claims"] = claims.size();
    if (claims.empty()) {
      return call.graded(1.0, "the output makes no factual claim");
    }
    values["claims"] = data_block("CLAIMS", numbered_list(claims));
    const std::size_t expected_count = claims.size();
    auto verified = call.ask("verdicts", values, [expected_count](const Json& v) -> std::string {
      auto it = v.find("verdicts");
      if (it == v.end() || !it->is_array() || it->size() != expected_count) {
        return "expected " + std::to_string(expected_count) + " verdicts";
      }
      for (const auto& item : *it) {
        if (!item.is_object() || !bool_field(item, "supported")) {
          return "a verdict without 'supported'";
        }
      }
      return "";
    });
    if (!verified) {
      return call.errored(verified.error().message);
    }
    std::vector<std::string> unsupported;
    std::size_t supported = 0;
    const Json& verdicts = (*verified)["verdicts"];
    for (std::size_t i = 0; i < claims.size(); ++i) {
      if (*bool_field(verdicts[i], "supported")) {
        ++supported;
      } else {
        unsupported.push_back(claims[i]);
      }
    }
    call.details()["supported"] = supported;
    call.details()["unsupported_claims"] = unsupported;
    std::string reason =
        std::to_string(supported) + "/" + std::to_string(claims.size()) + " claims supported";
    if (!unsupported.empty()) {
      reason += "; unsupported: ";
      for (std::size_t i = 0; i < unsupported.size(); ++i) {
        reason += (i == 0 ? "'" : ", '") + unsupported[i] + "'";
      }
    }
    return call.graded(static_cast<double>(supported) / static_cast<double>(claims.size()), reason);
  }

  bool calls_model() const override { return true; }

private:
  JudgeSetup m_setup;
};

} // namespace

Result<JudgePtr> make_groundedness_judge(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  const std::vector<std::string> all = {"output", "question", "expected", "context", "claims"};
  auto setup =
      JudgeSetup::make(spec, context, "groundedness", {},
                       {{"claims", {all, {"output"}}}, {"verdicts", {all, {"context", "claims"}}}}, 0.5);
  if (!setup) {
    return fail(setup.error());
  }
  return JudgePtr(std::make_unique<GroundednessJudge>(std::move(*setup)));
}

} // namespace evalgate
