// rouge-1, rouge-2, rouge-l: ROUGE F-measure of the output against the reference (rouge_score's
// definition without stemming; tokenisation in text_metrics.hpp). Three rows, one definition.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/reference_metric.hpp"
#include "evaluators/heuristic/text_metrics.hpp"

namespace evalgate {

namespace {

constexpr double k_default_threshold = 0.5;

} // namespace

Result<EvaluatorPtr> make_rouge_1(const EvaluatorSpec& spec)
{
  return make_reference_metric(spec, "rouge-1 F", k_default_threshold,
                               [](const std::string& output, const std::string& ref) -> Result<double> {
                                 return rouge_n(output, ref, 1);
                               });
}

Result<EvaluatorPtr> make_rouge_2(const EvaluatorSpec& spec)
{
  return make_reference_metric(spec, "rouge-2 F", k_default_threshold,
                               [](const std::string& output, const std::string& ref) -> Result<double> {
                                 return rouge_n(output, ref, 2);
                               });
}

Result<EvaluatorPtr> make_rouge_l(const EvaluatorSpec& spec)
{
  return make_reference_metric(spec, "rouge-l F", k_default_threshold,
                               [](const std::string& output, const std::string& ref) -> Result<double> {
                                 const std::size_t rows = rouge_tokens(output).size();
                                 const std::size_t columns = rouge_tokens(ref).size();
                                 if (static_cast<double>(rows) * static_cast<double>(columns) >
                                     k_max_table_cells) {
                                   return table_too_large("rouge-l", rows, columns, "tokens");
                                 }
                                 return rouge_l(output, ref);
                               });
}

} // namespace evalgate
