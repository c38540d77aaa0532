#include "stats/comparison.hpp"

#include <algorithm>
#include <set>

namespace evalgate {

namespace {

// Value differences this small are ties: scores are stored as doubles computed by different
// code paths, and 0.1 + 0.2 must tie with 0.3.
constexpr double k_tie = 1e-9;

const std::map<std::string, CaseValue>& cases_of(const MetricCases& side, const std::string& metric)
{
  static const std::map<std::string, CaseValue> k_none;
  auto it = side.find(metric);
  return it == side.end() ? k_none : it->second;
}

MetricComparison compare_metric(const std::string& metric, const std::map<std::string, CaseValue>& a,
                                const std::map<std::string, CaseValue>& b, const CompareOptions& options)
{
  MetricComparison out;
  out.metric = metric;
  std::vector<double> deltas;
  std::vector<CaseDelta> pairs;
  double sum_a = 0;
  double sum_b = 0;
  std::int64_t pass_a = 0;
  std::int64_t pass_b = 0;
  for (const auto& [id, va] : a) {
    auto it = b.find(id);
    if (va.scored == 0) {
      if (it != b.end() && it->second.scored > 0) {
        out.only_b.push_back(id);
      }
      continue;
    }
    if (it == b.end() || it->second.scored == 0) {
      out.only_a.push_back(id);
      continue;
    }
    const CaseValue& vb = it->second;
    pairs.push_back({id, va, vb, vb.value - va.value});
    deltas.push_back(vb.value - va.value);
    sum_a += va.value;
    sum_b += vb.value;
    pass_a += va.pass ? 1 : 0;
    pass_b += vb.pass ? 1 : 0;
    out.pass_to_fail += (va.pass && !vb.pass) ? 1 : 0;
    out.fail_to_pass += (!va.pass && vb.pass) ? 1 : 0;
    if (pairs.back().delta > k_tie) {
      ++out.wins;
    } else if (pairs.back().delta < -k_tie) {
      ++out.losses;
    } else {
      ++out.ties;
    }
  }
  for (const auto& [id, vb] : b) {
    if (vb.scored > 0 && a.find(id) == a.end()) {
      out.only_b.push_back(id);
    }
  }
  std::sort(out.only_b.begin(), out.only_b.end());

  out.shared = static_cast<std::int64_t>(pairs.size());
  if (out.shared > 0) {
    const double n = static_cast<double>(out.shared);
    out.mean_a = sum_a / n;
    out.mean_b = sum_b / n;
    out.delta = out.mean_b - out.mean_a;
    out.pass_rate_a = static_cast<double>(pass_a) / n;
    out.pass_rate_b = static_cast<double>(pass_b) / n;
    const std::vector<double> means = bootstrap_means(deltas, options.seed, options.resamples);
    out.delta_interval = bootstrap_mean_interval(deltas, options.seed, options.confidence, options.resamples);
    out.p_value = bootstrap_p_value(means);
    out.mcnemar_p = mcnemar_exact_p(out.pass_to_fail, out.fail_to_pass);
  }

  // Stable sorts on case-id order: equal deltas list in id order, so output is reproducible.
  std::vector<CaseDelta> by_delta = pairs;
  std::stable_sort(by_delta.begin(), by_delta.end(),
                   [](const CaseDelta& x, const CaseDelta& y) { return x.delta < y.delta; });
  for (const CaseDelta& d : by_delta) {
    if (d.delta < -k_tie && out.regressed.size() < options.top) {
      out.regressed.push_back(d);
    }
  }
  std::stable_sort(by_delta.begin(), by_delta.end(),
                   [](const CaseDelta& x, const CaseDelta& y) { return x.delta > y.delta; });
  for (const CaseDelta& d : by_delta) {
    if (d.delta > k_tie && out.improved.size() < options.top) {
      out.improved.push_back(d);
    }
  }
  return out;
}

} // namespace

std::vector<MetricComparison> compare_cases(const MetricCases& a, const MetricCases& b,
                                            const CompareOptions& options)
{
  std::set<std::string> metrics;
  for (const auto& [metric, cases] : a) {
    metrics.insert(metric);
  }
  for (const auto& [metric, cases] : b) {
    metrics.insert(metric);
  }
  std::vector<MetricComparison> out;
  for (const std::string& metric : metrics) {
    out.push_back(compare_metric(metric, cases_of(a, metric), cases_of(b, metric), options));
  }
  return out;
}

PairedDrop paired_drops(const std::map<std::string, CaseValue>& base,
                        const std::map<std::string, CaseValue>& current)
{
  PairedDrop out;
  for (const auto& [id, vb] : base) {
    if (vb.scored == 0) {
      continue;
    }
    auto it = current.find(id);
    if (it == current.end() || it->second.scored == 0) {
      out.only_base.push_back(id);
      continue;
    }
    out.drops.push_back(vb.value - it->second.value);
  }
  for (const auto& [id, vc] : current) {
    auto it = base.find(id);
    if (vc.scored > 0 && (it == base.end() || it->second.scored == 0)) {
      out.only_current.push_back(id);
    }
  }
  return out;
}

} // namespace evalgate
