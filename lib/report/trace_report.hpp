#pragma once
// report/trace_report: the report of one stored trace scoring (`evalgate traces score`, and
// `evalgate traces show`), read from the store. Units the sampler drew are summarised per metric,
// per model and per route: n, mean, p05/p50/p95 of each metric, pass rate, the error rate (units
// whose production call failed), reported cost plus judge cost; the worst units by mean score
// with their trace and span ids (units with a failing or errored score only); the must-include set (--always
// errors) apart; reader warnings; gate results and verdict. Model text is made single-line and elided in the
// terminal form. Pure functions, thread-safe. May use: store, stats, core.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/types.hpp"
#include "store/trace_store.hpp"

namespace evalgate {

struct TraceMetricSummary {
  std::int64_t n = 0; // non-errored scores
  std::int64_t errored = 0;
  double mean = 0;
  double p05 = 0;
  double p50 = 0;
  double p95 = 0;
  double pass_rate = 0;
};

struct TraceGroupSummary {
  std::string key; // the model or route ("(none)" when empty)
  std::int64_t units = 0;
  std::int64_t failed_calls = 0; // status error
  double error_rate = 0;
  double cost_usd = 0;           // reported cost of the units + judge cost of their scores
  std::int64_t cost_unknown = 0; // units without a reported cost
  std::map<std::string, TraceMetricSummary> metrics;
};

struct TraceReportData {
  TraceGroupSummary overall;               // sampled units (must-include ones excluded)
  TraceGroupSummary forced;                // units of traces chosen by --always errors
  std::vector<TraceGroupSummary> by_model; // sorted by key
  std::vector<TraceGroupSummary> by_route;
  std::vector<const ScoredTraceUnit*> worst; // units with a failing score, lowest mean first, at most `worst`
};

// `worst` = how many of the lowest-scoring units to list.
TraceReportData summarise_trace_import(const TraceImportData& data, std::size_t worst = 5);

std::string trace_report_text(const TraceImportData& data, std::size_t worst = 5);
Json trace_report_json(const TraceImportData& data, std::size_t worst = 5);

} // namespace evalgate
