#pragma once
// engine/trace_gate: the suite's gate rules applied to scored trace units (docs/traces.md
// "Gating"). Over the units the sampler drew (must-include ones are left out, so forced errors do
// not weigh on production rates): min_mean, min_pass_rate and max_error_rate of a metric as in a
// run; min_p05, a floor on the metric's 5th percentile (95% of units score at least the limit);
// max_p95_latency_ms over the units' reported latency; max_cost_usd over the units' reported cost
// plus judge cost. A metric no unit was scored on fails its rule: no evidence is not a pass.
// Pure, thread-safe.

#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"
#include "store/trace_store.hpp"

namespace evalgate {

// Errors (usage, at the rule): a rule naming a candidate, or using max_drop / max_flaky_rate,
// which have no meaning for traces.
Result<void> check_trace_gate_rules(const std::vector<GateRule>& rules);

// One GateResult per check of every rule; `candidate_id` holds the scope, "traces".
std::vector<GateResult> gate_trace_units(const std::vector<GateRule>& rules,
                                         const std::vector<ScoredTraceUnit>& units);

} // namespace evalgate
