#include "evaluators/embedding/embedder.hpp"

#include "core/suggest.hpp"
#include "evaluators/embedding/batcher.hpp"
#include "evaluators/embedding/builtin_embedder.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace evalgate {

namespace {

class BuiltinTextEmbedder final : public TextEmbedder {
public:
  EmbedOutcome embed(const std::vector<std::string>& texts) const override
  {
    const EmbeddingMatrix rows = builtin_embed(texts);
    EmbedOutcome outcome;
    outcome.vectors.reserve(texts.size());
    for (Eigen::Index i = 0; i < rows.rows(); ++i) {
      outcome.vectors.push_back(std::make_shared<const EmbeddingRow>(rows.row(i)));
    }
    return outcome;
  }
  bool calls_model() const override { return false; }
  const std::string& name() const override { return m_name; }

private:
  std::string m_name = "built-in";
};

// Stands in for a provider while the suite is validated, before clients exist. Never asked to embed
// by the engine; if it were, the answer is an error rather than a made-up vector.
class UnconnectedEmbedder final : public TextEmbedder {
public:
  explicit UnconnectedEmbedder(std::string id) : m_name(std::move(id)) {}
  EmbedOutcome embed(const std::vector<std::string>&) const override
  {
    EmbedOutcome outcome;
    outcome.error = "embedding provider '" + m_name + "' is not connected (suite validation only)";
    return outcome;
  }
  bool calls_model() const override { return true; }
  const std::string& name() const override { return m_name; }

private:
  std::string m_name;
};

} // namespace

std::shared_ptr<const TextEmbedder> builtin_text_embedder()
{
  static const auto k_builtin = std::make_shared<const BuiltinTextEmbedder>();
  return k_builtin;
}

Result<std::shared_ptr<const TextEmbedder>> resolve_embedder(const SpecReader& reader,
                                                             const EvaluatorContext& context)
{
  const Json* written = reader.find("provider");
  if (written == nullptr) {
    return builtin_text_embedder();
  }
  auto id = reader.string_of("provider", *written);
  if (!id) {
    return fail(id.error());
  }
  const auto& judges = context.judge_ids;
  if (std::find(judges.begin(), judges.end(), *id) == judges.end()) {
    if (judges.empty()) {
      return reader.key_error("provider", fmt::format("names '{}', but the suite has no `judges:`; add an "
                                                      "embedding provider there, or drop 'provider' to use "
                                                      "the built-in embedder",
                                                      *id));
    }
    std::string detail = fmt::format("names '{}', which is not a judge id", *id);
    if (auto nearest = nearest_name(*id, judges)) {
      detail += fmt::format("; did you mean '{}'?", *nearest);
    } else {
      detail += fmt::format(" (judges: {})", fmt::join(judges, ", "));
    }
    return reader.key_error("provider", detail);
  }
  if (!context.client) {
    return std::shared_ptr<const TextEmbedder>(std::make_shared<const UnconnectedEmbedder>(*id));
  }
  ModelClient* client = context.client(*id);
  if (client == nullptr) {
    return reader.key_error("provider", fmt::format("names judge '{}', which has no client", *id));
  }
  if (context.embedding_batchers != nullptr) {
    return std::shared_ptr<const TextEmbedder>(context.embedding_batchers->get(*id, *client));
  }
  return std::shared_ptr<const TextEmbedder>(std::make_shared<const EmbeddingBatcher>(*client, *id));
}

Result<EmbeddingMatrix> stack_vectors(const std::vector<EmbeddingVector>& vectors,
                                      const std::vector<std::string>& labels)
{
  if (vectors.empty()) {
    return EmbeddingMatrix(0, 0);
  }
  const Eigen::Index dims = vectors.front()->cols();
  for (std::size_t i = 1; i < vectors.size(); ++i) {
    if (vectors[i]->cols() != dims) {
      return fail(ErrorCategory::data, fmt::format("embedding dimensions differ: {} has {}, {} has {}",
                                                   labels[0], dims, labels[i], vectors[i]->cols()));
    }
  }
  EmbeddingMatrix rows(static_cast<Eigen::Index>(vectors.size()), dims);
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    rows.row(static_cast<Eigen::Index>(i)) = *vectors[i];
  }
  return rows;
}

} // namespace evalgate
