// char-count: the output's length in UTF-8 code points is within `min`..`max`.
#include "evaluators/heuristic/count_evaluator.hpp"
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

Result<EvaluatorPtr> make_char_count(const EvaluatorSpec& spec)
{
  return make_count_evaluator(spec, {"the character count bounds", "char", [](const std::string& output) {
                                       return static_cast<long>(utf8_length(output));
                                     }});
}

} // namespace evalgate
