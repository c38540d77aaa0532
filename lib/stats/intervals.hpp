#pragma once
// stats/intervals: the statistical primitives behind summaries, compare and the gate. Pure,
// deterministic functions: every resampling takes an explicit seed, so a run's stored seed
// reproduces its intervals exactly. Definitions are in docs/gate.md. Thread-safe; a large bootstrap
// (millions of draws) runs half of its resamples on a second thread it starts and joins, with the
// same results. May use: core.

#include <cstdint>
#include <vector>

namespace evalgate {

inline constexpr int k_default_resamples = 2000;

struct Interval {
  double low = 0;
  double high = 0;
};

// Wilson score interval (no continuity correction) for `successes` of `n` at two-sided
// `confidence`. n == 0 gives [0, 1].
Interval wilson_interval(std::int64_t successes, std::int64_t n, double confidence = 0.95);

// The q-quantile (q in [0,1]) with linear interpolation between order statistics (Hyndman & Fan
// type 7, numpy's default). Takes the values by copy because it sorts them. Empty gives 0.
double quantile(std::vector<double> values, double q);

// Two-sided standard-normal quantile: z such that P(|Z| <= z) = confidence (1.95996 for 0.95).
double normal_two_sided_z(double confidence);

// Bootstrap means of `values`: `resamples` resamples with replacement drawn from a
// std::mt19937_64 seeded with `seed`, each mapped to its mean. Sorted ascending. Empty in, empty
// out. Index draws use the top 53 bits of each draw scaled to n, so results do not depend on the
// standard library's distribution implementation.
std::vector<double> bootstrap_means(const std::vector<double>& values, std::uint64_t seed,
                                    int resamples = k_default_resamples);

// Two-sided percentile-bootstrap interval of the mean. A single value gives [v, v].
Interval bootstrap_mean_interval(const std::vector<double>& values, std::uint64_t seed,
                                 double confidence = 0.95, int resamples = k_default_resamples);

// bootstrap_mean_interval of each of `columns`, bit for bit, at the cost of one stream of draws
// per distinct length instead of one per column: for a seed and a length the index draws are the
// same whatever the values, so columns of equal length (the metrics of one candidate) share them.
// Pointers are not owned and must not be null.
std::vector<Interval> bootstrap_mean_intervals(const std::vector<const std::vector<double>*>& columns,
                                               std::uint64_t seed, double confidence = 0.95,
                                               int resamples = k_default_resamples);

// McNemar's exact test: two-sided p-value of b vs c discordant pairs under Binomial(b + c, 1/2),
// p = min(1, 2 * P(X <= min(b, c))). b + c == 0 gives 1.
double mcnemar_exact_p(std::int64_t b, std::int64_t c);

// Two-sided p-value of the paired bootstrap for H0: mean difference = 0, from the sorted bootstrap
// means of the differences: 2 * min(share <= 0, share >= 0), capped at 1. All-zero differences
// give 1.
double bootstrap_p_value(const std::vector<double>& sorted_means);

} // namespace evalgate
