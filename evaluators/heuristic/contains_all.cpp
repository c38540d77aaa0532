// contains-all: the output contains every listed string; score = found / total.
#include "evaluators/heuristic/heuristic.hpp"
#include "evaluators/heuristic/needles.hpp"
#include "evaluators/score.hpp"
#include "evaluators/spec_reader.hpp"
#include "evaluators/text.hpp"

namespace evalgate {

namespace {

class ContainsAll final : public Evaluator {
public:
  ContainsAll(Needles needles, double threshold) : m_needles(std::move(needles)), m_threshold(threshold) {}

  Score evaluate(const EvalInput& input) const override
  {
    auto needles = m_needles.render(input.test_case.vars);
    if (!needles) {
      return errored_score(m_threshold, needles.error().message);
    }
    std::vector<std::string> missing;
    for (const auto& needle : *needles) {
      if (input.trial.output.find(needle) == std::string::npos) {
        missing.push_back(needle);
      }
    }
    const std::size_t total = needles->size();
    const std::size_t found = total - missing.size();
    const double value = static_cast<double>(found) / static_cast<double>(total);
    if (missing.empty()) {
      return graded_score(value, m_threshold, "all " + std::to_string(total) + " found");
    }
    return graded_score(value, m_threshold,
                        std::to_string(found) + "/" + std::to_string(total) + " found; missing: " +
                          quoted_list(missing));
  }

private:
  Needles m_needles;
  double m_threshold;
};

} // namespace

Result<EvaluatorPtr> make_contains_all(const EvaluatorSpec& spec)
{
  auto config = read_needle_config(spec);
  if (!config) {
    return fail(config.error());
  }
  return EvaluatorPtr(std::make_unique<ContainsAll>(std::move(config->needles), config->threshold));
}

} // namespace evalgate
