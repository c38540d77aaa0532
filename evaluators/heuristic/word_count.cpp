// word-count: the number of whitespace-separated words in the output is within `min`..`max`.
#include "evaluators/heuristic/count_evaluator.hpp"
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/unicode_text.hpp"

namespace evalgate {

Result<EvaluatorPtr> make_word_count(const EvaluatorSpec& spec)
{
  return make_count_evaluator(spec, {"the word count bounds", "word", [](const std::string& output) {
                                       return static_cast<long>(split_whitespace(decode_utf8(output)).size());
                                     }});
}

} // namespace evalgate
