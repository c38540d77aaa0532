#include "stats/case_values.hpp"

namespace evalgate {

CaseTable case_table(const RunData& run)
{
  CaseTable table;
  table.source = run.info.id;
  table.seed = run.info.seed;
  // Sums first, means after: repeats may arrive in any order.
  for (const ScoredTrial& scored : run.trials) {
    if (!scored.trial.ok()) {
      continue;
    }
    MetricCases& metrics = table.candidates[scored.trial.candidate_id];
    for (const Score& score : scored.scores) {
      CaseValue& v = metrics[score.metric][scored.trial.case_id];
      const bool first = v.repeats() == 0;
      if (first) {
        v.output = scored.trial.output;
        v.reason = score.errored() ? score.error : score.reason;
      } else if (!score.pass && v.passes == v.repeats()) {
        v.reason = score.errored() ? score.error : score.reason; // first failure explains the case
      }
      if (score.errored()) {
        ++v.errors;
        continue;
      }
      ++v.scored;
      v.value += score.value;
      v.passes += score.pass ? 1 : 0;
    }
  }
  for (auto& [candidate, metrics] : table.candidates) {
    for (auto& [metric, cases] : metrics) {
      for (auto& [id, v] : cases) {
        v.value = v.scored > 0 ? v.value / v.scored : 0.0;
        v.pass = v.errors == 0 && v.passes == v.scored && v.scored > 0;
      }
    }
  }
  return table;
}

} // namespace evalgate
