#pragma once
// evaluators/judge: the LLM-as-judge evaluators. Each is defined in its own file and listed once
// in registry.cpp; each builds its JudgeSetup (judge id, templates, threshold) at suite load, so a
// missing judge or a bad template is a config error before any request. evaluate() blocks on the
// judge (calls_model() is true). See docs/evaluators.md "LLM-as-judge".

#include <memory>

#include "core/result.hpp"
#include "core/types.hpp"
#include "evaluators/evaluator.hpp"

namespace evalgate {

using JudgePtr = std::unique_ptr<Evaluator>;

Result<JudgePtr> make_answer_relevance_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_closed_qa_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_context_precision_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_context_recall_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_context_relevance_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_factuality_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_g_eval_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_groundedness_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_pairwise_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_policy_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_rubric_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);
Result<JudgePtr> make_toxicity_judge(const EvaluatorSpec& spec, const EvaluatorContext& context);

// The policy judge with its templates folder `judge` and, when `default_policy` is set, an
// optional `policy` key defaulting to it (toxicity); nullptr = `policy` is required.
Result<JudgePtr> make_policy_style_judge(const EvaluatorSpec& spec, const EvaluatorContext& context,
                                         const char* judge, const char* default_policy);

} // namespace evalgate
