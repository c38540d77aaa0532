// bleu: NLTK sentence_bleu of the output against one reference (4-gram, uniform weights,
// whitespace tokens); `smoothing` method1 (default) or none.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/reference_metric.hpp"
#include "evaluators/heuristic/text_metrics.hpp"

namespace evalgate {

Result<EvaluatorPtr> make_bleu(const EvaluatorSpec& spec)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"smoothing", "value"}); !ok) {
    return fail(ok.error());
  }
  BleuSmoothing smoothing = BleuSmoothing::method1;
  if (const Json* written = reader.find("smoothing")) {
    auto text = reader.string_of("smoothing", *written);
    if (!text) {
      return fail(text.error());
    }
    if (*text == "none") {
      smoothing = BleuSmoothing::none;
    } else if (*text != "method1") {
      return reader.key_error("smoothing", "must be 'method1' or 'none', got '" + *text + "'");
    }
  }
  return build_reference_metric(
      reader, "bleu", 0.5, false,
      [smoothing](const std::string& output, const std::string& ref) -> Result<double> {
        return sentence_bleu(output, ref, smoothing);
      });
}

} // namespace evalgate
