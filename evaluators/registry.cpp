#include "evaluators/registry.hpp"

#include <algorithm>
#include <exception>

#include "evaluators/embedding/embedding.hpp"
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/judge/judge.hpp"
#include "core/suggest.hpp"

namespace evalgate {

namespace {

constexpr std::string_view k_not_prefix = "not-";

// Stamps the metric name, applies `not-`, and keeps every evaluator's contract in one place: a
// value in [0,1], an errored score never passes, an exception becomes an errored score.
class RegisteredEvaluator final : public Evaluator {
public:
  RegisteredEvaluator(std::unique_ptr<Evaluator> inner, std::string metric, bool negated)
    : m_inner(std::move(inner)), m_metric(std::move(metric)), m_negated(negated)
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    Score score;
    try {
      score = m_inner->evaluate(input);
    } catch (const std::exception& e) {
      score = Score{};
      score.error = std::string("evaluator failed: ") + e.what();
    }
    return stamped(std::move(score));
  }

  void evaluate_async(const EvalInput& input, ScoreDone done) const override
  {
    if (!m_inner->evaluates_async()) {
      done(evaluate(input));
      return;
    }
    // The inner evaluator either answers or throws without answering (evaluator.hpp), so a throw
    // here means `done` is still ours to call.
    auto answer = std::make_shared<ScoreDone>(std::move(done));
    try {
      m_inner->evaluate_async(input, [this, answer](Score score) { (*answer)(stamped(std::move(score))); });
    } catch (const std::exception& e) {
      Score score;
      score.error = std::string("evaluator failed: ") + e.what();
      (*answer)(stamped(std::move(score)));
    }
  }

  bool calls_model() const override { return m_inner->calls_model(); }
  bool evaluates_async() const override { return m_inner->evaluates_async(); }

private:
  Score stamped(Score score) const
  {
    score.metric = m_metric;
    score.value = std::clamp(score.value, 0.0, 1.0);
    if (score.errored()) {
      // Errored stays errored under `not-`: flipping a failure into a pass would hide it.
      score.value = 0;
      score.pass = false;
      return score;
    }
    if (m_negated) {
      score.value = 1.0 - score.value;
      score.pass = !score.pass;
      score.reason = "negated: " + score.reason;
    }
    return score;
  }

  std::unique_ptr<Evaluator> m_inner;
  std::string m_metric;
  bool m_negated;
};

const EvaluatorType* find_type(std::string_view name)
{
  const auto& types = evaluator_types();
  auto it = std::find_if(types.begin(), types.end(), [&](const EvaluatorType& t) { return t.name == name; });
  return it == types.end() ? nullptr : &*it;
}

std::vector<std::string> all_type_names()
{
  std::vector<std::string> names;
  for (const auto& type : evaluator_types()) {
    names.push_back(type.name);
  }
  for (const auto& type : evaluator_types()) {
    if (type.negatable) {
      names.push_back(std::string(k_not_prefix) + type.name);
    }
  }
  return names;
}

// Heuristics need only their spec.
template <Result<std::unique_ptr<Evaluator>> (*make)(const EvaluatorSpec&)>
Result<std::unique_ptr<Evaluator>> spec_only(const EvaluatorSpec& spec, const EvaluatorContext&)
{
  return make(spec);
}

} // namespace

const std::vector<EvaluatorType>& evaluator_types()
{
  // The one table. Alphabetical; `evalgate list evaluators` prints it in this order.
  static const std::vector<EvaluatorType> k_types = {
    {"answer-relevance", "LLM judge: share of the output's statements relevant to the question", false, make_answer_relevance_judge},
    {"answer-relevance-embedding", "a judge writes questions the output answers; mean cosine of their embeddings to `question`", false, make_answer_relevance_embedding},
    {"bleu", "sentence BLEU of output vs reference (NLTK, 4-gram, smoothing method1 or none)", true, spec_only<make_bleu>},
    {"char-count", "output length in characters (code points) is within `min`..`max`", false, spec_only<make_char_count>},
    {"closed-qa", "LLM judge: the output meets `criteria` for the question (Y/N)", false, make_closed_qa_judge},
    {"contains", "output contains `value` (case-sensitive)", true, spec_only<make_contains>},
    {"contains-all", "output contains every string in `value`; score = found / total", true, spec_only<make_contains_all>},
    {"contains-any", "output contains at least one string in `value`", true, spec_only<make_contains_any>},
    {"context-precision", "LLM judge: average precision of the useful retrieved chunks (needs expected, context)", false, make_context_precision_judge},
    {"context-recall", "LLM judge: share of the expected answer found in the context", false, make_context_recall_judge},
    {"context-relevance", "LLM judge: relevance of the context to the question (0, 0.5, 1)", false, make_context_relevance_judge},
    {"equals", "output equals `value` exactly (non-string values: compared as JSON)", true, spec_only<make_equals>},
    {"exact-match", "output equals the reference after SQuAD normalisation", true, spec_only<make_exact_match>},
    {"f1", "SQuAD token F1 between output and reference >= threshold (default 0.5)", true, spec_only<make_f1>},
    {"factuality", "LLM judge: facts of the output vs the expected answer, choices A-E", false, make_factuality_judge},
    {"faithfulness", "alias of groundedness", false, make_groundedness_judge},
    {"g-eval", "LLM judge: `criteria` -> steps (generated once) -> 1..N score, logprob-weighted when available", false, make_g_eval_judge},
    {"groundedness", "LLM judge: share of the output's claims supported by the context", false, make_groundedness_judge},
    {"icontains", "output contains `value`, ignoring ASCII case", true, spec_only<make_icontains>},
    {"is-json", "output parses as strict JSON", true, spec_only<make_is_json>},
    {"is-refusal", "output is a refusal (documented phrase list + `phrases`); use not-is-refusal to require an answer", true, spec_only<make_is_refusal>},
    {"json-equals", "output parsed as JSON equals `value` structurally (key order, 1 vs 1.0 ignored)", true, spec_only<make_json_equals>},
    {"json-field", "output is JSON and the field at `path` equals `value`", true, spec_only<make_json_field>},
    {"json-schema", "output is JSON valid against the JSON Schema `schema`", true, spec_only<make_json_schema>},
    {"levenshtein", "edit similarity 1 - d/max(len) vs reference >= threshold (default 0.8)", true, spec_only<make_levenshtein>},
    {"max-cost", "trial cost is at most `value` US dollars (unknown cost: errored)", false, spec_only<make_max_cost>},
    {"max-latency-ms", "trial latency is at most `value` milliseconds", false, spec_only<make_max_latency_ms>},
    {"max-length", "output is at most `value` characters (UTF-8 code points)", false, spec_only<make_max_length>},
    {"max-tokens", "token usage (`of`: completion, prompt, total) is at most `value`", false, spec_only<make_max_tokens>},
    {"no-pii", "output has no emails, phone numbers, card numbers (Luhn) or IBANs (mod 97)", false, spec_only<make_no_pii>},
    {"pairwise", "LLM judge: output vs `against`, judged in both orders (win 1, tie 0.5, loss 0)", false, make_pairwise_judge},
    {"policy", "LLM judge: the output complies with the `policy` text", false, make_policy_judge},
    {"regex", "output matches the ECMAScript pattern `value` (`flags`: i, m, s, x)", true, spec_only<make_regex>},
    {"rouge-1", "ROUGE-1 F-measure vs reference >= threshold (default 0.5)", true, spec_only<make_rouge_1>},
    {"rouge-2", "ROUGE-2 F-measure vs reference >= threshold (default 0.5)", true, spec_only<make_rouge_2>},
    {"rouge-l", "ROUGE-L (LCS) F-measure vs reference >= threshold (default 0.5)", true, spec_only<make_rouge_l>},
    {"rubric", "LLM judge: pass/score/reason against the `rubric` text", false, make_rubric_judge},
    {"script", "runs `command` (argv, no shell) with the trial as JSON on stdin; reads {score, pass, reason}", true, make_script},
    {"similarity", "cosine similarity of the output's and `reference`'s embeddings (`provider`: a judge; default built-in, lexical)", true, make_similarity},
    {"starts-with", "output starts with `value`", true, spec_only<make_starts_with>},
    {"tool-call", "output tool calls parse and match the declared `tools` schemas", true, spec_only<make_tool_call>},
    {"toxicity", "LLM judge: the output is not toxic (built-in policy, or `policy`)", false, make_toxicity_judge},
    {"word-count", "output word count (whitespace-separated) is within `min`..`max`", false, spec_only<make_word_count>},
  };
  return k_types;
}

Result<std::unique_ptr<Evaluator>> make_evaluator(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  std::string_view base = spec.type;
  bool negated = false;
  const EvaluatorType* type = find_type(base);
  if (type == nullptr && base.substr(0, k_not_prefix.size()) == k_not_prefix) {
    base.remove_prefix(k_not_prefix.size());
    negated = true;
    type = find_type(base);
  }
  if (type == nullptr) {
    std::string message = "unknown evaluator type '" + spec.type + "'";
    if (auto nearest = nearest_name(spec.type, all_type_names())) {
      message += ", did you mean '" + *nearest + "'?";
    } else {
      message += "; see `evalgate list evaluators`";
    }
    return fail(ErrorCategory::config, std::move(message), spec.location);
  }
  if (negated && !type->negatable) {
    return fail(ErrorCategory::config,
                "evaluator type '" + type->name + "' cannot be negated, so '" + spec.type + "' is not a type",
                spec.location);
  }
  EvaluatorSpec base_spec = spec;
  base_spec.type = type->name;
  auto built = type->factory(base_spec, context);
  if (!built) {
    return fail(built.error());
  }
  std::string metric = spec.name.empty() ? spec.type : spec.name;
  return std::unique_ptr<Evaluator>(
    std::make_unique<RegisteredEvaluator>(std::move(*built), std::move(metric), negated));
}

} // namespace evalgate
