// similarity: cosine between the embeddings of the output and of a (templated) reference.
#include "evaluators/embedding/embedder.hpp"
#include "evaluators/embedding/embedding.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

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
    auto reference = render_needle(m_reference, input.test_case.vars);
    if (!reference) {
      return errored_score(m_threshold, reference.error().message);
    }
    const std::string& output = input.trial.output;
    if (output.empty()) {
      // Providers reject empty inputs; an empty answer shares nothing with the reference anyway.
      return with_details(graded_score(0.0, m_threshold, "output is empty"), std::nullopt, 0);
    }
    EmbedOutcome embedded = m_embedder->embed({output, *reference});
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
                                     value, in_quotes(*reference), pass ? "at or above" : "below",
                                     format_number(m_threshold), m_embedder->name());
    Score score =
        with_details(graded_score(value, m_threshold, std::move(reason)), cosines(0), ref_rows->cols());
    score.cost_usd = embedded.cost_usd;
    if (embedded.cost_unknown) {
      score.details["cost_unknown"] = true;
    }
    return score;
  }

  bool calls_model() const override { return m_embedder->calls_model(); }

private:
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
