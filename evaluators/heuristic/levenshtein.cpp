// levenshtein: normalised edit similarity 1 - d / max(len) between the output and the reference,
// over code points (both empty → 1).
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/reference_metric.hpp"
#include "evaluators/heuristic/text_metrics.hpp"

namespace evalgate {

Result<EvaluatorPtr> make_levenshtein(const EvaluatorSpec& spec)
{
  return make_reference_metric(spec, "levenshtein similarity", 0.8,
                               [](const std::string& output, const std::string& reference) {
                                 return levenshtein_similarity(output, reference);
                               });
}

} // namespace evalgate
