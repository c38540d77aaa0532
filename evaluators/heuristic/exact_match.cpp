// exact-match: the output equals the reference after SQuAD v1.1 normalisation (lowercase, no
// punctuation, no articles, whitespace collapsed).
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/reference_metric.hpp"
#include "evaluators/heuristic/text_metrics.hpp"

namespace evalgate {

Result<EvaluatorPtr> make_exact_match(const EvaluatorSpec& spec)
{
  return make_reference_metric(spec, "exact match", 1.0,
                               [](const std::string& output, const std::string& ref) -> Result<double> {
                                 return squad_exact_match(output, ref) ? 1.0 : 0.0;
                               });
}

} // namespace evalgate
