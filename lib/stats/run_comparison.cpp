#include "stats/run_comparison.hpp"

#include <algorithm>

#include "stats/case_values.hpp"
#include "stats/summary.hpp"

namespace evalgate {

namespace {

std::string join(const std::vector<std::string>& items)
{
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out.empty() ? "none" : out;
}

bool contains(const std::vector<std::string>& items, const std::string& item)
{
  return std::find(items.begin(), items.end(), item) != items.end();
}

CandidateStats stats_for(const std::vector<CandidateStats>& all, const std::string& id)
{
  for (const CandidateStats& s : all) {
    if (s.candidate_id == id) {
      return s;
    }
  }
  CandidateStats none;
  none.candidate_id = id;
  return none;
}

// Evaluator settings differing between runs make their scores incomparable; say so up front.
std::vector<std::string> scoring_warnings(const RunData& a, const RunData& b)
{
  std::vector<std::string> out;
  if (a.info.id == b.info.id) {
    return out;
  }
  const auto evaluators = [](const RunData& run) {
    return run.info.config.is_object() && run.info.config.contains("evaluators")
               ? run.info.config["evaluators"]
               : Json();
  };
  if (evaluators(a) != evaluators(b)) {
    out.push_back(
        "the two runs were scored with different evaluator settings; deltas may reflect the scoring, "
        "not the candidates");
  }
  return out;
}

} // namespace

Result<RunComparison> compare_runs(const RunData& a, const RunData& b,
                                   const std::vector<std::string>& candidates, CompareOptions options)
{
  RunComparison out;
  out.run_a = a.info.id;
  out.run_b = b.info.id;
  out.seed = b.info.seed;
  options.seed = b.info.seed;
  out.resamples = options.resamples;
  out.warnings = scoring_warnings(a, b);
  const std::vector<std::string> order_a = candidate_order(a);
  const std::vector<std::string> order_b = candidate_order(b);

  std::vector<std::pair<std::string, std::string>> pairs;
  if (!candidates.empty()) {
    if (candidates.size() != 2) {
      return fail(ErrorCategory::usage, "--candidates takes exactly two candidate ids (A B)");
    }
    if (!contains(order_a, candidates[0])) {
      return fail(ErrorCategory::usage, "candidate '" + candidates[0] + "' is not in run " + a.info.id +
                                            " (candidates: " + join(order_a) + ")");
    }
    if (!contains(order_b, candidates[1])) {
      return fail(ErrorCategory::usage, "candidate '" + candidates[1] + "' is not in run " + b.info.id +
                                            " (candidates: " + join(order_b) + ")");
    }
    pairs.emplace_back(candidates[0], candidates[1]);
  } else {
    for (const std::string& id : order_a) {
      if (contains(order_b, id)) {
        pairs.emplace_back(id, id);
      } else {
        out.only_a_candidates.push_back(id);
      }
    }
    for (const std::string& id : order_b) {
      if (!contains(order_a, id)) {
        out.only_b_candidates.push_back(id);
      }
    }
  }

  const CaseTable table_a = case_table(a);
  const CaseTable table_b = case_table(b);
  const std::vector<CandidateStats> stats_a = candidate_stats(a);
  const std::vector<CandidateStats> stats_b = candidate_stats(b);
  static const MetricCases k_none;
  for (const auto& [ca, cb] : pairs) {
    ComparisonSection section;
    section.candidate_a = ca;
    section.candidate_b = cb;
    auto ia = table_a.candidates.find(ca);
    auto ib = table_b.candidates.find(cb);
    section.metrics = compare_cases(ia == table_a.candidates.end() ? k_none : ia->second,
                                    ib == table_b.candidates.end() ? k_none : ib->second, options);
    section.stats_a = stats_for(stats_a, ca);
    section.stats_b = stats_for(stats_b, cb);
    out.sections.push_back(std::move(section));
  }
  return out;
}

} // namespace evalgate
