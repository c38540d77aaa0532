// f1: SQuAD v1.1 token F1 between the output and the reference (normalised tokens, multiset overlap).
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/reference_metric.hpp"
#include "evaluators/heuristic/text_metrics.hpp"

namespace evalgate {

Result<EvaluatorPtr> make_f1(const EvaluatorSpec& spec)
{
  return make_reference_metric(spec, "token F1", 0.5,
                               [](const std::string& output, const std::string& ref) -> Result<double> {
                                 return squad_f1(output, ref);
                               });
}

} // namespace evalgate
