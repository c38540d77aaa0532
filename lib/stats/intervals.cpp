#include "stats/intervals.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <system_error>
#include <thread>

namespace evalgate {

namespace {

// Inverse standard-normal CDF (Acklam's rational approximation refined by one Halley step;
// relative error below 1e-15), so no distribution library is needed.
double normal_quantile(double p)
{
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  double x = 0;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double sorted_quantile(const std::vector<double>& sorted, double q)
{
  if (sorted.empty()) {
    return 0;
  }
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(lower);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
}

} // namespace

double normal_two_sided_z(double confidence)
{
  return normal_quantile(0.5 + confidence / 2);
}

Interval wilson_interval(std::int64_t successes, std::int64_t n, double confidence)
{
  if (n <= 0) {
    return {0, 1};
  }
  const double z = normal_two_sided_z(confidence);
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(successes) / nn;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z / (1 + z2 / nn) * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double quantile(std::vector<double> values, double q)
{
  std::sort(values.begin(), values.end());
  return sorted_quantile(values, q);
}

namespace {

// std::mt19937_64's exact output stream, produced a whole state (312 values) at a time: the twist
// and the tempering each run as one branch-free loop over the state, which the compiler keeps in
// registers and vectorises, instead of one call, bounds check and tempering per draw. The
// bootstrap draws millions of values per report, so this is most of its cost.
class Mt64Stream {
public:
  explicit Mt64Stream(std::uint64_t seed)
  {
    m_state[0] = seed;
    for (std::size_t i = 1; i < k_n; ++i) {
      const std::uint64_t prev = m_state[i - 1];
      m_state[i] = 6364136223846793005ULL * (prev ^ (prev >> 62)) + i;
    }
  }

  std::uint64_t next()
  {
    if (m_at == k_n) {
      refill();
    }
    return m_out[m_at++];
  }

  // Steps over the next `count` draws as `count` next() calls would, without producing them.
  void discard(std::uint64_t count)
  {
    while (count > 0) {
      if (m_at == k_n) {
        if (count >= k_n) {
          twist(); // a whole block consumed: its outputs are never looked at
          count -= k_n;
          continue;
        }
        refill();
      }
      const std::uint64_t step = std::min<std::uint64_t>(count, k_n - m_at);
      m_at += static_cast<std::size_t>(step);
      count -= step;
    }
  }

  // The next draws in stream order, as many as are ready up to `wanted` (at least one): the same
  // values as that many next() calls, for a caller that converts them in a tight loop.
  std::span<const std::uint64_t> take(std::size_t wanted)
  {
    if (m_at == k_n) {
      refill();
    }
    const std::size_t count = std::min(wanted, k_n - m_at);
    const std::span<const std::uint64_t> out(m_out.data() + m_at, count);
    m_at += count;
    return out;
  }

private:
  static constexpr std::size_t k_n = 312;
  static constexpr std::size_t k_m = 156;
  static constexpr std::uint64_t k_upper = ~std::uint64_t{0} << 31;
  static constexpr std::uint64_t k_lower = ~k_upper;
  static constexpr std::uint64_t k_a = 0xb5026f5aa96619e9ULL;

  static std::uint64_t mix(std::uint64_t high, std::uint64_t low, std::uint64_t far)
  {
    const std::uint64_t y = (high & k_upper) | (low & k_lower);
    return far ^ (y >> 1) ^ ((0 - (y & 1)) & k_a);
  }

  void refill()
  {
    twist();
    for (std::size_t k = 0; k < k_n; ++k) {
      std::uint64_t z = m_state[k];
      z ^= (z >> 29) & 0x5555555555555555ULL;
      z ^= (z << 17) & 0x71d67fffeda60000ULL;
      z ^= (z << 37) & 0xfff7eee000000000ULL;
      z ^= z >> 43;
      m_out[k] = z;
    }
    m_at = 0;
  }

  void twist()
  {
    for (std::size_t k = 0; k < k_n - k_m; ++k) {
      m_state[k] = mix(m_state[k], m_state[k + 1], m_state[k + k_m]);
    }
    for (std::size_t k = k_n - k_m; k < k_n - 1; ++k) {
      m_state[k] = mix(m_state[k], m_state[k + 1], m_state[k - (k_n - k_m)]);
    }
    m_state[k_n - 1] = mix(m_state[k_n - 1], m_state[0], m_state[k_m - 1]);
  }

  std::array<std::uint64_t, k_n> m_state{};
  std::array<std::uint64_t, k_n> m_out{};
  std::size_t m_at = k_n;
};

bool all_equal(const std::vector<double>& values)
{
  return std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
}

// A column whose every partial sum is exact in doubles, as integers: values that are all whole
// multiples of 2^-scale_bits with n * max|v| * 2^scale_bits < 2^53 (pass/fail 0/1 scores, counts,
// halves...). Added in any order such a column gives the sum the draw-order double sum gives, bit
// for bit, so it can be summed in integers with independent accumulators instead of one chain of
// dependent floating-point adds (the chain's latency was half of the bootstrap's time).
struct ExactColumn {
  std::vector<std::int64_t> scaled;
  double unscale = 1; // 2^-scale_bits
};

std::optional<ExactColumn> exact_column(const std::vector<double>& values)
{
  constexpr int k_max_scale_bits = 20;
  double largest = 0;
  for (double v : values) {
    if (!std::isfinite(v)) {
      return std::nullopt;
    }
    largest = std::max(largest, std::fabs(v));
  }
  for (int bits = 0; bits <= k_max_scale_bits; ++bits) {
    const double scale = std::ldexp(1.0, bits);
    // Every partial sum is a multiple of 2^-bits below 2^53 * 2^-bits: exactly representable.
    if (largest * scale * static_cast<double>(values.size()) >= 0x1.0p53) {
      return std::nullopt;
    }
    bool whole = true;
    for (double v : values) {
      const double scaled = v * scale; // exact: a power of two
      if (scaled != std::floor(scaled)) {
        whole = false;
        break;
      }
    }
    if (whole) {
      ExactColumn out;
      out.scaled.reserve(values.size());
      for (double v : values) {
        out.scaled.push_back(static_cast<std::int64_t>(v * scale));
      }
      out.unscale = std::ldexp(1.0, -bits);
      return out;
    }
  }
  return std::nullopt;
}

// Sum of column[picks[i]] over i, in integers, four accumulators (exact, so any order).
std::int64_t exact_sum(const std::int64_t* column, const std::uint32_t* picks, std::size_t length)
{
  std::int64_t s0 = 0;
  std::int64_t s1 = 0;
  std::int64_t s2 = 0;
  std::int64_t s3 = 0;
  std::size_t i = 0;
  for (; i + 4 <= length; i += 4) {
    s0 += column[picks[i]];
    s1 += column[picks[i + 1]];
    s2 += column[picks[i + 2]];
    s3 += column[picks[i + 3]];
  }
  for (; i < length; ++i) {
    s0 += column[picks[i]];
  }
  return (s0 + s1) + (s2 + s3);
}

// picks[i] = floor(unit * n) for the next picks.size() draws, unit = the draw's top 53 bits * 2^-53,
// a block of the stream at a time (no per-draw refill check).
void draw_picks(Mt64Stream& rng, double n, std::vector<std::uint32_t>& picks)
{
  std::size_t at = 0;
  while (at < picks.size()) {
    const std::span<const std::uint64_t> draws = rng.take(picks.size() - at);
    std::uint32_t* out = picks.data() + at;
    for (std::size_t i = 0; i < draws.size(); ++i) {
      const double unit = static_cast<double>(draws[i] >> 11) * 0x1.0p-53; // [0, 1)
      out[i] = static_cast<std::uint32_t>(unit * n);
    }
    at += draws.size();
  }
}

// Sums of G columns over the picks, each in draw order (as a lone column would be summed), in one
// pass with the sums in registers, so the G chains of dependent adds overlap.
template <std::size_t G>
void draw_order_sums(const double* const* columns, const std::uint32_t* picks, std::size_t length,
                     double* out)
{
  std::array<double, G> sums{};
  for (std::size_t i = 0; i < length; ++i) {
    const std::uint32_t pick = picks[i];
    for (std::size_t k = 0; k < G; ++k) {
      sums[k] += columns[k][pick];
    }
  }
  for (std::size_t k = 0; k < G; ++k) {
    out[k] = sums[k];
  }
}

void draw_order_sums(const std::vector<const double*>& columns, const std::uint32_t* picks,
                     std::size_t length, std::vector<double>& out)
{
  for (std::size_t k = 0; k < columns.size(); k += 4) {
    const double* const* group = columns.data() + k;
    switch (std::min<std::size_t>(4, columns.size() - k)) {
    case 1:
      draw_order_sums<1>(group, picks, length, out.data() + k);
      break;
    case 2:
      draw_order_sums<2>(group, picks, length, out.data() + k);
      break;
    case 3:
      draw_order_sums<3>(group, picks, length, out.data() + k);
      break;
    default:
      draw_order_sums<4>(group, picks, length, out.data() + k);
      break;
    }
  }
}

// The columns of one shared bootstrap, prepared once: which are summed in integers, which in
// draw order.
struct SharedColumns {
  std::size_t length = 0;
  std::vector<std::optional<ExactColumn>> exact;
  std::vector<std::size_t> inexact;
  std::vector<const double*> inexact_values;
};

// Working memory of one thread of a shared bootstrap, allocated before the thread starts (so a
// failed allocation throws in the caller, not in the thread).
struct ResampleBuffers {
  explicit ResampleBuffers(const SharedColumns& shared) : picks(shared.length), sums(shared.inexact.size()) {}
  std::vector<std::uint32_t> picks;
  std::vector<double> sums;
};

// Resamples [first, last) of the stream `rng` is positioned at, into means[c][r]. Does not allocate.
void resample_range(const SharedColumns& shared, Mt64Stream& rng, int first, int last,
                    ResampleBuffers& buffers, std::vector<std::vector<double>>& means)
{
  const double n = static_cast<double>(shared.length);
  std::vector<std::uint32_t>& picks = buffers.picks;
  std::vector<double>& sums = buffers.sums;
  for (int r = first; r < last; ++r) {
    const auto at = static_cast<std::size_t>(r);
    draw_picks(rng, n, picks);
    for (std::size_t c = 0; c < shared.exact.size(); ++c) {
      if (shared.exact[c]) {
        const ExactColumn& column = *shared.exact[c];
        const auto sum = static_cast<double>(exact_sum(column.scaled.data(), picks.data(), shared.length));
        means[c][at] = sum * column.unscale / n;
      }
    }
    draw_order_sums(shared.inexact_values, picks.data(), shared.length, sums);
    for (std::size_t k = 0; k < shared.inexact.size(); ++k) {
      means[shared.inexact[k]][at] = sums[k] / n;
    }
  }
}

// Below this many draws one thread is quicker than starting a second.
constexpr std::uint64_t k_parallel_draws = 4'000'000;

// The sorted bootstrap means of every column of `columns` (all non-empty, non-constant, of one
// length n), from one stream of draws: draw i of resample r picks the same index for every column,
// and each column's sum adds its picks in draw order (or, for exact columns, in any order: the
// same sum), so each result equals bootstrap_means alone. A large bootstrap runs its second half of
// resamples on a second thread, whose generator first steps over the first half's draws (state
// updates only, no output): the same draws for every resample, so the same numbers.
std::vector<std::vector<double>>
shared_bootstrap_means(const std::vector<const std::vector<double>*>& columns, std::uint64_t seed,
                       int resamples)
{
  const std::size_t count = columns.size();
  SharedColumns shared;
  shared.length = columns.front()->size();
  shared.exact.resize(count);
  for (std::size_t c = 0; c < count; ++c) {
    shared.exact[c] = exact_column(*columns[c]);
    if (!shared.exact[c]) {
      shared.inexact.push_back(c);
      shared.inexact_values.push_back(columns[c]->data());
    }
  }
  std::vector<std::vector<double>> means(count, std::vector<double>(static_cast<std::size_t>(resamples)));
  const int half = resamples / 2;
  bool split = static_cast<std::uint64_t>(resamples) * shared.length >= k_parallel_draws && half > 0;
  std::thread second;
  ResampleBuffers first_buffers(shared);
  std::optional<ResampleBuffers> second_buffers;
  if (split) {
    second_buffers.emplace(shared);
    try {
      second = std::thread([&] {
        Mt64Stream rng(seed);
        rng.discard(static_cast<std::uint64_t>(half) * shared.length);
        resample_range(shared, rng, half, resamples, *second_buffers, means);
      });
    } catch (const std::system_error&) {
      split = false; // no thread to be had: all on this one
    }
  }
  Mt64Stream rng(seed);
  resample_range(shared, rng, 0, split ? half : resamples, first_buffers, means);
  if (second.joinable()) {
    second.join();
  }
  for (auto& m : means) {
    std::sort(m.begin(), m.end());
  }
  return means;
}

Interval percentile_interval(const std::vector<double>& sorted_means, double confidence)
{
  const double tail = (1 - confidence) / 2;
  return {sorted_quantile(sorted_means, tail), sorted_quantile(sorted_means, 1 - tail)};
}

} // namespace

std::vector<double> bootstrap_means(const std::vector<double>& values, std::uint64_t seed, int resamples)
{
  if (values.empty() || resamples <= 0) {
    return {};
  }
  // Every resample of identical values has their mean: skip the draws (common for metrics where
  // every case passed), which keeps reports of large runs fast.
  if (all_equal(values)) {
    return std::vector<double>(static_cast<std::size_t>(resamples), values.front());
  }
  if (values.size() > UINT32_MAX) {
    // Beyond the shared path's index width (never reached by a run): draw directly.
    std::mt19937_64 rng(seed);
    const double n = static_cast<double>(values.size());
    std::vector<double> means;
    for (int r = 0; r < resamples; ++r) {
      double sum = 0;
      for (std::size_t i = 0; i < values.size(); ++i) {
        sum += values[static_cast<std::size_t>(static_cast<double>(rng() >> 11) * 0x1.0p-53 * n)];
      }
      means.push_back(sum / n);
    }
    std::sort(means.begin(), means.end());
    return means;
  }
  return std::move(shared_bootstrap_means({&values}, seed, resamples).front());
}

Interval bootstrap_mean_interval(const std::vector<double>& values, std::uint64_t seed, double confidence,
                                 int resamples)
{
  if (values.empty()) {
    return {0, 0};
  }
  return percentile_interval(bootstrap_means(values, seed, resamples), confidence);
}

std::vector<Interval> bootstrap_mean_intervals(const std::vector<const std::vector<double>*>& columns,
                                               std::uint64_t seed, double confidence, int resamples)
{
  std::vector<Interval> out(columns.size());
  // Columns that need draws, grouped by length; the rest are answered as bootstrap_mean_interval would.
  std::map<std::size_t, std::vector<std::size_t>> by_length;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const std::vector<double>& values = *columns[c];
    if (values.empty() || resamples <= 0 || all_equal(values) || values.size() > UINT32_MAX) {
      out[c] = bootstrap_mean_interval(values, seed, confidence, resamples);
    } else {
      by_length[values.size()].push_back(c);
    }
  }
  for (const auto& [length, members] : by_length) {
    std::vector<const std::vector<double>*> group;
    group.reserve(members.size());
    for (std::size_t c : members) {
      group.push_back(columns[c]);
    }
    const auto means = shared_bootstrap_means(group, seed, resamples);
    for (std::size_t k = 0; k < members.size(); ++k) {
      out[members[k]] = percentile_interval(means[k], confidence);
    }
  }
  return out;
}

double mcnemar_exact_p(std::int64_t b, std::int64_t c)
{
  const std::int64_t n = b + c;
  if (n <= 0) {
    return 1.0;
  }
  const std::int64_t k = std::min(b, c);
  // Sum of C(n, i) / 2^n in log space: n may be in the thousands.
  double tail = 0;
  for (std::int64_t i = 0; i <= k; ++i) {
    const double log_term =
        std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(i) + 1) -
        std::lgamma(static_cast<double>(n - i) + 1) - static_cast<double>(n) * std::log(2.0);
    tail += std::exp(log_term);
  }
  return std::min(1.0, 2 * tail);
}

double bootstrap_p_value(const std::vector<double>& sorted_means)
{
  if (sorted_means.empty()) {
    return 1.0;
  }
  std::size_t at_most_zero = 0;
  std::size_t at_least_zero = 0;
  for (double m : sorted_means) {
    at_most_zero += m <= 0 ? 1 : 0;
    at_least_zero += m >= 0 ? 1 : 0;
  }
  const double n = static_cast<double>(sorted_means.size());
  const double share = static_cast<double>(std::min(at_most_zero, at_least_zero)) / n;
  return std::min(1.0, 2 * share);
}

} // namespace evalgate
