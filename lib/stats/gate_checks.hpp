#pragma once
// stats/gate_checks: the gate checks beyond mean / pass rate / error rate: max_drop against a
// baseline, max_flaky_rate, max_p95_latency_ms, max_cost_usd. Internal to the stats module;
// evaluate_gate (stats/summary.hpp) calls them in that order after the classic checks.

#include <string>

#include "core/types.hpp"
#include "stats/case_values.hpp"
#include "stats/run_digest.hpp"
#include "stats/summary.hpp"

namespace evalgate::stats_detail {

struct GateInputs {
  const RunDigest& run;
  const GateOptions& options;
};

GateResult check_max_drop(const GateRule& rule, const std::string& candidate_id, const GateInputs& in);
GateResult check_max_flaky_rate(const GateRule& rule, const std::string& candidate_id, const GateInputs& in);
GateResult check_max_p95_latency(const GateRule& rule, const std::string& candidate_id, const GateInputs& in);
GateResult check_max_cost(const GateRule& rule, const std::string& candidate_id, const GateInputs& in);

} // namespace evalgate::stats_detail
