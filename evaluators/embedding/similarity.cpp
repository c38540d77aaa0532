// similarity: cosine between the embeddings of the output and of a (templated) reference.
#include "evaluators/embedding/embedder.hpp"
#include "evaluators/embedding/embedding.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

#include <future>

#include <fmt/format.h>

namespace evalgate {

namespace {

constexpr double k_default_threshold = 0.8;

class Similarity final : public Evaluator {
public:
  Similarity(TemplatedText reference, double threshold, std::shared_ptr<const TextEmbedder> embedder)
      : m_reference(std::move(reference)), m_threshold(threshold), m_embedder(std::move(embedder))
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    std::promise<Score> scored;
    auto score = scored.get_future();
    evaluate_async(input, [&scored](Score s) { scored.set_value(std::move(s)); });
    return score.get();
  }

  void evaluate_async(const EvalInput& input, ScoreDone done) const override
  {
    auto reference = render_needle(m_reference, input.test_case.vars);
    if (!reference) {
      done(errored_score(m_threshold, reference.error().message));
      return;
    }
    const std::string& output = input.trial.output;
    if (output.empty()) {
      // Providers reject empty inputs; an empty answer shares nothing with the reference anyway.
      done(with_details(graded_score(0.0, m_threshold, "output is empty"), std::nullopt, 0));
      return;
    }
    std::vector<std::string> texts{output, *reference};
    m_embedder->embed_async(texts, [this, reference = std::move(*reference), done = std::move(done)](
                                       EmbedOutcome embedded) { done(scored(embedded, reference)); });
  }

  bool calls_model() const override { return m_embedder->calls_model(); }
  bool evaluates_async() const override { return m_embedder->calls_model(); }

private:
  Score scored(const EmbedOutcome& embedded, const std::string& reference) const
  {
    if (!embedded.ok()) {
      Score score = errored_score(m_threshold, embedded.error);
      score.cost_usd = embedded.cost_usd;
      return score;
    }
    auto ref_rows = stack_vectors(embedded.vectors, {"the output", "the reference"});
    if (!ref_rows) {
      return errored_score(m_threshold, ref_rows.error().message);
    }
    const Eigen::VectorXf cosines = paired_cosines(ref_rows->topRows(1), ref_rows->bottomRows(1));
    const double value = cosine_score(cosines(0));
    const bool pass = value >= m_threshold;
    std::string reason = fmt::format("cosine similarity {:.3f} to the reference {} ({} {}, {} embedder)",
                                     value, in_quotes(reference), pass ? "at or above" : "below",
                                     format_number(m_threshold), m_embedder->name());
    Score score =
        with_details(graded_score(value, m_threshold, std::move(reason)), cosines(0), ref_rows->cols());
    score.cost_usd = embedded.cost_usd;
    if (embedded.cost_unknown) {
      score.details["cost_unknown"] = true;
    }
    return score;
  }

  Score with_details(Score score, std::optional<float> cosine, Eigen::Index dims) const
  {
    score.details["embedder"] = m_embedder->name();
    if (cosine) {
      score.details["cosine"] = *cosine;
      score.details["dimensions"] = dims;
    }
    return score;
  }

  TemplatedText m_reference;
  double m_threshold;
  std::shared_ptr<const TextEmbedder> m_embedder;
};

} // namespace

Result<std::unique_ptr<Evaluator>> make_similarity(const EvaluatorSpec& spec, const EvaluatorContext& context)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"provider", "reference"}); !ok) {
    return fail(ok.error());
  }
  auto reference =
      read_templated_text(reader, "reference", "the text to compare the output with, e.g. \"{{expected}}\"");
  if (!reference) {
    return fail(reference.error());
  }
  auto threshold = reader.threshold(k_default_threshold);
  if (!threshold) {
    return fail(threshold.error());
  }
  auto embedder = resolve_embedder(reader, context);
  if (!embedder) {
    return fail(embedder.error());
  }
  return std::unique_ptr<Evaluator>(
      std::make_unique<Similarity>(std::move(*reference), *threshold, std::move(*embedder)));
}

} // namespace evalgate
