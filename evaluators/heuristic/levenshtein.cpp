// levenshtein: normalised edit similarity 1 - d / max(len) between the output and the reference,
// over code points (both empty → 1).
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/reference_metric.hpp"
#include "evaluators/heuristic/text_metrics.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

Result<EvaluatorPtr> make_levenshtein(const EvaluatorSpec& spec)
{
  return make_reference_metric(spec, "levenshtein similarity", 0.8,
                               [](const std::string& output, const std::string& reference) -> Result<double> {
                                 const std::size_t rows = utf8_length(output);
                                 const std::size_t columns = utf8_length(reference);
                                 if (static_cast<double>(rows) * static_cast<double>(columns) >
                                     k_max_table_cells) {
                                   return table_too_large("levenshtein", rows, columns, "code points");
                                 }
                                 return levenshtein_similarity(output, reference);
                               });
}

} // namespace evalgate
