#include "stats/agreement.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace evalgate {

BinaryAgreement binary_agreement(const std::vector<bool>& human, const std::vector<bool>& judge)
{
  BinaryAgreement result;
  const std::size_t n = std::min(human.size(), judge.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (human[i]) {
      ++(judge[i] ? result.matrix.both_pass : result.matrix.human_pass_judge_fail);
    } else {
      ++(judge[i] ? result.matrix.human_fail_judge_pass : result.matrix.both_fail);
    }
  }
  if (n == 0) {
    return result;
  }
  const auto& m = result.matrix;
  const double total = static_cast<double>(n);
  result.agreement = static_cast<double>(m.both_pass + m.both_fail) / total;
  const double human_pass = static_cast<double>(m.both_pass + m.human_pass_judge_fail) / total;
  const double judge_pass = static_cast<double>(m.both_pass + m.human_fail_judge_pass) / total;
  const double expected = human_pass * judge_pass + (1 - human_pass) * (1 - judge_pass);
  if (expected < 1.0) {
    result.kappa = (result.agreement - expected) / (1.0 - expected);
  }
  return result;
}

std::vector<double> average_ranks(const std::vector<double>& values)
{
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  std::size_t i = 0;
  while (i < order.size()) {
    std::size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) {
      ++j;
    }
    const double rank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t k = i; k <= j; ++k) {
      ranks[order[k]] = rank;
    }
    i = j + 1;
  }
  return ranks;
}

std::optional<double> spearman(const std::vector<double>& x, const std::vector<double>& y)
{
  const std::size_t n = std::min(x.size(), y.size());
  if (n < 2) {
    return std::nullopt;
  }
  const std::vector<double> rx =
      average_ranks(std::vector<double>(x.begin(), x.begin() + static_cast<long>(n)));
  const std::vector<double> ry =
      average_ranks(std::vector<double>(y.begin(), y.begin() + static_cast<long>(n)));
  const double mean = (static_cast<double>(n) + 1.0) / 2.0; // the mean of any average-rank vector
  double cov = 0;
  double vx = 0;
  double vy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    cov += (rx[i] - mean) * (ry[i] - mean);
    vx += (rx[i] - mean) * (rx[i] - mean);
    vy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (vx == 0 || vy == 0) {
    return std::nullopt;
  }
  return cov / std::sqrt(vx * vy);
}

} // namespace evalgate
