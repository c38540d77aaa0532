#include "evaluators/heuristic/count_evaluator.hpp"

#include "evaluators/heuristic/count_bounds.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"

namespace evalgate {

namespace {

class CountEvaluator final : public Evaluator {
public:
  CountEvaluator(CountKind kind, CountBounds bounds, double threshold)
    : m_kind(std::move(kind)), m_bounds(bounds), m_threshold(threshold)
  {
  }

  Score evaluate(const EvalInput& input) const override
  {
    const long n = m_kind.count(input.trial.output);
    const std::string shown = std::to_string(n) + " " + m_kind.unit + (n == 1 ? "" : "s");
    if (m_bounds.contains(n)) {
      return binary_score(true, m_threshold, shown + ", " + m_bounds.describe());
    }
    return binary_score(false, m_threshold, shown + ", expected " + m_bounds.describe());
  }

private:
  CountKind m_kind;
  CountBounds m_bounds;
  double m_threshold;
};

} // namespace

Result<std::unique_ptr<Evaluator>> make_count_evaluator(const EvaluatorSpec& spec, CountKind kind)
{
  SpecReader reader(spec);
  if (auto ok = reader.allow_keys({"max", "min"}); !ok) {
    return fail(ok.error());
  }
  auto bounds = read_count_bounds(reader, kind.bounds_name);
  if (!bounds) {
    return fail(bounds.error());
  }
  auto threshold = reader.threshold();
  if (!threshold) {
    return fail(threshold.error());
  }
  return std::unique_ptr<Evaluator>(std::make_unique<CountEvaluator>(std::move(kind), *bounds, *threshold));
}

} // namespace evalgate
