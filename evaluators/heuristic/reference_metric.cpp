#include "evaluators/heuristic/reference_metric.hpp"

#include <cmath>
#include <vector>

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
  ReferenceMetric(std::vector<TemplatedText> references, std::string label, double threshold,
                  ReferenceMetricFn metric)
      : m_references(std::move(references)), m_label(std::move(label)), m_threshold(threshold),
        m_metric(std::move(metric))
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    std::vector<std::string> references;
    for (const auto& templated : m_references) {
      auto rendered = templated.render(input.test_case.vars);
      if (!rendered) {
        return errored_score(m_threshold, rendered.error().message);
      }
      references.push_back(std::move(*rendered));
    }
    if (m_references.empty()) {
      if (!input.test_case.expected) {
        return errored_score(m_threshold, "no reference: set `value` or give the case an `expected` field");
      }
      references.push_back(*input.test_case.expected);
    }
    // Several references: the best one counts (SQuAD's max over gold answers).
    double value = -1;
    std::size_t best = 0;
    for (std::size_t i = 0; i < references.size(); ++i) {
      auto computed = m_metric(input.trial.output, references[i]);
      if (!computed) {
        return errored_score(m_threshold, computed.error().message);
      }
      if (*computed > value) {
        value = *computed;
        best = i;
      }
    }
    const std::string& reference = references[best];
    std::string against = " against " + in_quotes(reference);
    if (references.size() > 1) {
      against += " (best of " + std::to_string(references.size()) + " references)";
    }
    if (value >= m_threshold) {
      return graded_score(value, m_threshold,
                          m_label + " " + shown(value) + " >= " + shown(m_threshold) + against);
    }
    return graded_score(value, m_threshold,
                        m_label + " " + shown(value) + " < " + shown(m_threshold) + against + " — got " +
                            in_quotes(input.trial.output));
  }

private:
  std::vector<TemplatedText> m_references; // empty: the case's `expected`
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
  return build_reference_metric(reader, std::move(label), default_threshold, true, std::move(metric));
}

Result<EvaluatorPtr> build_reference_metric(const SpecReader& reader, std::string label,
                                            double default_threshold, bool allow_list,
                                            ReferenceMetricFn metric)
{
  std::vector<TemplatedText> references;
  if (const Json* value = reader.find("value")) {
    if (value->is_array() && !allow_list) {
      return reader.wrong_type("value", "a string (one reference)", *value);
    }
    if (value->is_array() && value->empty()) {
      return reader.key_error("value", "must not be an empty list");
    }
    const Json items = value->is_array() ? *value : Json::array({*value});
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string item_label = value->is_array() ? "value[" + std::to_string(i) + "]" : "value";
      std::string text;
      if (items[i].is_number()) {
        text = items[i].dump();
      } else if (items[i].is_string()) {
        text = items[i].get<std::string>();
      } else {
        return reader.wrong_type("value", allow_list ? "a string or a list of strings" : "a string",
                                 items[i]);
      }
      auto templated = TemplatedText::make(reader, "value", item_label, std::move(text));
      if (!templated) {
        return fail(templated.error());
      }
      references.push_back(std::move(*templated));
    }
  }
  auto threshold = reader.threshold(default_threshold);
  if (!threshold) {
    return fail(threshold.error());
  }
  return EvaluatorPtr(std::make_unique<ReferenceMetric>(std::move(references), std::move(label), *threshold,
                                                        std::move(metric)));
}

} // namespace evalgate
