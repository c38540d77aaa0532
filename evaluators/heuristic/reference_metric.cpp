#include "evaluators/heuristic/reference_metric.hpp"

#include <cmath>
#include <optional>

#include "evaluators/score.hpp"
#include "evaluators/templated.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

// Four decimals: enough to tell 0.4999 from a 0.5 threshold in a reason.
std::string shown(double value)
{
  return format_number(std::round(value * 10000) / 10000);
}

class ReferenceMetric final : public Evaluator {
public:
  ReferenceMetric(std::optional<TemplatedText> reference, std::string label, double threshold,
                  ReferenceMetricFn metric)
      : m_reference(std::move(reference)), m_label(std::move(label)), m_threshold(threshold),
        m_metric(std::move(metric))
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    std::string reference;
    if (m_reference) {
      auto rendered = m_reference->render(input.test_case.vars);
      if (!rendered) {
        return errored_score(m_threshold, rendered.error().message);
      }
      reference = std::move(*rendered);
    } else if (input.test_case.expected) {
      reference = *input.test_case.expected;
    } else {
      return errored_score(m_threshold, "no reference: set `value` or give the case an `expected` field");
    }
    auto computed = m_metric(input.trial.output, reference);
    if (!computed) {
      return errored_score(m_threshold, computed.error().message);
    }
    const double value = *computed;
    const std::string against = " against " + in_quotes(reference);
    if (value >= m_threshold) {
      return graded_score(value, m_threshold,
                          m_label + " " + shown(value) + " >= " + shown(m_threshold) + against);
    }
    return graded_score(value, m_threshold,
                        m_label + " " + shown(value) + " < " + shown(m_threshold) + against + " — got " +
                            in_quotes(input.trial.output));
  }

private:
  std::optional<TemplatedText> m_reference;
  std::string m_label;
  double m_threshold;
  ReferenceMetricFn m_metric;
};

} // namespace

Result<double> table_too_large(std::string_view metric, std::size_t rows, std::size_t columns,
                               std::string_view unit)
{
  return fail(ErrorCategory::data, "output and reference too long for " + std::string(metric) + " (" +
                                       std::to_string(rows) + " × " + std::to_string(columns) + " " +
                                       std::string(unit) + " > " + format_number(k_max_table_cells) +
                                       " cells)");
}

Result<EvaluatorPtr> make_reference_metric(const EvaluatorSpec& spec, std::string label,
                                           double default_threshold, ReferenceMetricFn metric)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"value"}); !ok) {
    return fail(ok.error());
  }
  return build_reference_metric(reader, std::move(label), default_threshold, std::move(metric));
}

Result<EvaluatorPtr> build_reference_metric(const SpecReader& reader, std::string label,
                                            double default_threshold, ReferenceMetricFn metric)
{
  std::optional<TemplatedText> reference;
  if (const Json* value = reader.find("value")) {
    std::string text;
    if (value->is_number()) {
      text = value->dump();
    } else {
      auto written = reader.string_of("value", *value);
      if (!written) {
        return fail(written.error());
      }
      text = *written;
    }
    auto templated = TemplatedText::make(reader, "value", "value", std::move(text));
    if (!templated) {
      return fail(templated.error());
    }
    reference = std::move(*templated);
  }
  auto threshold = reader.threshold(default_threshold);
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<ReferenceMetric>(std::move(reference), std::move(label), *threshold,
                                                        std::move(metric)));
}

} // namespace evalgate
