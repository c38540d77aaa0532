// answer-relevance-embedding: ragas' answer relevancy. A judge writes questions that the output
// answers; their embeddings are compared with the case's question; score = mean cosine, 0 when the
// judge finds the answer noncommittal.
#include "evaluators/embedding/embedder.hpp"
#include "evaluators/embedding/embedding.hpp"
#include "evaluators/embedding/question_prompt.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"
#include "providers/model_client.hpp"

#include "core/suggest.hpp"

#include <algorithm>
#include <future>

#include <fmt/format.h>

namespace evalgate {

namespace {

constexpr double k_default_threshold = 0.7;
constexpr long k_default_questions = 3;
constexpr long k_max_questions = 10;

CallResult call_blocking(ModelClient& client, const CallInput& input)
{
  std::promise<CallResult> promise;
  auto future = promise.get_future();
  client.complete(input, [&promise](CallResult result) { promise.set_value(std::move(result)); });
  return future.get();
}

class AnswerRelevanceEmbedding final : public Evaluator {
public:
  AnswerRelevanceEmbedding(TemplatedText question, double threshold, int count, std::string judge_id,
                           ModelClient* judge, std::shared_ptr<const TextEmbedder> embedder)
      : m_question(std::move(question)), m_threshold(threshold), m_count(count),
        m_judge_id(std::move(judge_id)), m_judge(judge), m_embedder(std::move(embedder))
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    auto question = render_needle(m_question, input.test_case.vars);
    if (!question) {
      return errored_score(m_threshold, question.error().message);
    }
    Score score = graded_score(0.0, m_threshold, "");
    score.details = {
        {"judge", m_judge_id}, {"embedder", m_embedder->name()}, {"prompt", k_question_prompt_version}};
    if (input.trial.output.empty()) {
      score.reason = "output is empty";
      return score;
    }
    if (m_judge == nullptr) {
      return errored_score(m_threshold, "judge '" + m_judge_id + "' is not connected");
    }
    auto generated = generate(input.trial.output, score);
    if (!generated) {
      Score errored = errored_score(m_threshold, generated.error().message);
      errored.cost_usd = score.cost_usd;
      errored.details = std::move(score.details);
      return errored;
    }
    score.details["questions"] = generated->questions;
    score.details["noncommittal"] = generated->noncommittal;
    if (generated->noncommittal) {
      score.reason = "the judge found the answer noncommittal (evasive or vague), so it answers no question";
      return score;
    }
    if (generated->questions.empty()) {
      score.reason = "the judge generated no questions from the answer";
      return score;
    }
    return compare(*question, *generated, std::move(score));
  }

  bool calls_model() const override { return true; }

private:
  // One judge call, re-asked once when the reply cannot be read. Adds the judge cost to `score`.
  Result<GeneratedQuestions> generate(const std::string& answer, Score& score) const
  {
    CallInput call;
    call.messages = question_generation_messages(answer, m_count);
    std::string reply;
    for (int attempt = 0; attempt < 2; ++attempt) {
      CallResult result = call_blocking(*m_judge, call);
      score.cost_usd += result.cost_usd.value_or(0.0);
      if (!result.cost_usd) {
        score.details["cost_unknown"] = true;
      }
      if (result.failure != FailureKind::none) {
        return fail(ErrorCategory::data, "judge '" + m_judge_id + "' failed: " + result.error);
      }
      auto parsed = parse_generated_questions(result.text);
      if (parsed) {
        if (parsed->questions.size() > static_cast<std::size_t>(m_count)) {
          parsed->questions.resize(static_cast<std::size_t>(m_count));
        }
        return parsed;
      }
      reply = result.text;
    }
    return fail(ErrorCategory::data, "judge verdict unparseable: " + reply.substr(0, 200));
  }

  Score compare(const std::string& question, const GeneratedQuestions& generated, Score score) const
  {
    std::vector<std::string> texts{question};
    std::vector<std::string> labels{"the question"};
    for (std::size_t i = 0; i < generated.questions.size(); ++i) {
      texts.push_back(generated.questions[i]);
      labels.push_back(fmt::format("generated question {}", i + 1));
    }
    EmbedOutcome embedded = m_embedder->embed(texts);
    score.cost_usd += embedded.cost_usd;
    if (embedded.cost_unknown) {
      score.details["cost_unknown"] = true;
    }
    if (!embedded.ok()) {
      return errored_with(score, embedded.error);
    }
    auto rows = stack_vectors(embedded.vectors, labels);
    if (!rows) {
      return errored_with(score, rows.error().message);
    }
    const Eigen::VectorXf cosines = cosines_to(rows->bottomRows(rows->rows() - 1), rows->row(0));
    score.value = cosine_score(cosines.mean());
    score.pass = score.value >= m_threshold;
    score.details["cosines"] = std::vector<float>(cosines.data(), cosines.data() + cosines.size());
    std::string listed;
    for (std::size_t i = 0; i < generated.questions.size(); ++i) {
      listed += fmt::format("{}{} {:.2f}", i == 0 ? "" : "; ", in_quotes(generated.questions[i], 60),
                            cosines(static_cast<Eigen::Index>(i)));
    }
    score.reason = fmt::format(
        "mean cosine {:.3f} ({} {}) between {} and questions generated from the answer: {}", score.value,
        score.pass ? "at or above" : "below", format_number(m_threshold), in_quotes(question, 60), listed);
    return score;
  }

  Score errored_with(const Score& partial, std::string error) const
  {
    Score errored = errored_score(m_threshold, std::move(error));
    errored.cost_usd = partial.cost_usd;
    errored.details = partial.details;
    return errored;
  }

  TemplatedText m_question;
  double m_threshold;
  int m_count;
  std::string m_judge_id;
  ModelClient* m_judge; // owned by the engine; null at suite validation
  std::shared_ptr<const TextEmbedder> m_embedder;
};

Result<std::string> read_judge(const SpecReader& reader, const EvaluatorContext& context)
{
  const auto& judges = context.judge_ids;
  const Json* written = reader.find("judge");
  if (written == nullptr) {
    if (judges.empty()) {
      return reader.error(fmt::format("evaluator '{}' needs a judge to write questions: add one under "
                                      "`judges:` in the suite, or name one with 'judge'",
                                      reader.type()));
    }
    return judges.front();
  }
  auto id = reader.string_of("judge", *written);
  if (!id) {
    return fail(id.error());
  }
  if (std::find(judges.begin(), judges.end(), *id) == judges.end()) {
    std::string detail = fmt::format("names '{}', which is not a judge id", *id);
    if (auto nearest = nearest_name(*id, judges)) {
      detail += fmt::format("; did you mean '{}'?", *nearest);
    } else if (judges.empty()) {
      detail += "; the suite has no `judges:`";
    } else {
      detail += fmt::format(" (judges: {})", fmt::join(judges, ", "));
    }
    return reader.key_error("judge", detail);
  }
  return *id;
}

} // namespace

Result<std::unique_ptr<Evaluator>> make_answer_relevance_embedding(const EvaluatorSpec& spec,
                                                                   const EvaluatorContext& context)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"judge", "provider", "question", "questions"}); !ok) {
    return fail(ok.error());
  }
  auto question = read_templated_text(reader, "question", "the user's question, e.g. \"{{question}}\"");
  if (!question) {
    return fail(question.error());
  }
  auto threshold = reader.threshold(k_default_threshold);
  if (!threshold) {
    return fail(threshold.error());
  }
  long count = k_default_questions;
  if (const Json* written = reader.find("questions"); written != nullptr) {
    auto parsed = reader.whole_number_of("questions", *written);
    if (!parsed) {
      return fail(parsed.error());
    }
    if (*parsed < 1 || *parsed > k_max_questions) {
      return reader.key_error("questions",
                              fmt::format("must be from 1 to {}, got {}", k_max_questions, *parsed));
    }
    count = *parsed;
  }
  auto judge_id = read_judge(reader, context);
  if (!judge_id) {
    return fail(judge_id.error());
  }
  auto embedder = resolve_embedder(reader, context);
  if (!embedder) {
    return fail(embedder.error());
  }
  ModelClient* judge = context.client ? context.client(*judge_id) : nullptr;
  return std::unique_ptr<Evaluator>(
      std::make_unique<AnswerRelevanceEmbedding>(std::move(*question), *threshold, static_cast<int>(count),
                                                 std::move(*judge_id), judge, std::move(*embedder)));
}

} // namespace evalgate
