#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "stats/intervals.hpp"

using namespace evalgate;

namespace {

// The procedure of stats/intervals.hpp written out plainly: top 53 bits of each mt19937_64 draw
// scaled to n picks a value; each resample's mean; sorted.
std::vector<double> reference(const std::vector<double>& values, std::uint64_t seed, int resamples)
{
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

} // namespace

TEST_CASE("Wilson intervals match Newcombe's (1998) published worked examples")
{
  // Newcombe, Statistics in Medicine 17:857-872, Table I, method 3 (score, no continuity correction).
  struct Example {
    std::int64_t x, n;
    double low, high;
  };
  for (const Example& e : {Example{81, 263, 0.2553, 0.3662}, Example{15, 148, 0.0624, 0.1605},
                           Example{0, 20, 0.0, 0.1611}, Example{1, 29, 0.0061, 0.1718}}) {
    CAPTURE(e.x);
    CAPTURE(e.n);
    const Interval ci = wilson_interval(e.x, e.n);
    CHECK(ci.low == doctest::Approx(e.low).epsilon(0.0005));
    CHECK(ci.high == doctest::Approx(e.high).epsilon(0.0005));
  }
}

TEST_CASE("a Wilson interval of no trials is the whole unit range")
{
  const Interval ci = wilson_interval(0, 0);
  CHECK(ci.low == 0);
  CHECK(ci.high == 1);
}

TEST_CASE("the two-sided normal quantile is the textbook 1.96 at 95% and 2.576 at 99%")
{
  CHECK(normal_two_sided_z(0.95) == doctest::Approx(1.959964).epsilon(1e-6));
  CHECK(normal_two_sided_z(0.99) == doctest::Approx(2.575829).epsilon(1e-6));
  CHECK(normal_two_sided_z(0.90) == doctest::Approx(1.644854).epsilon(1e-6));
}

TEST_CASE("quantiles interpolate linearly between order statistics like numpy's default")
{
  const std::vector<double> one_to_ten = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  CHECK(quantile(one_to_ten, 0.5) == doctest::Approx(5.5));
  CHECK(quantile(one_to_ten, 0.95) == doctest::Approx(9.55));
  CHECK(quantile(one_to_ten, 0.99) == doctest::Approx(9.91));
  CHECK(quantile(one_to_ten, 0.0) == 1);
  CHECK(quantile(one_to_ten, 1.0) == 10);
  CHECK(quantile({}, 0.5) == 0);
  CHECK(quantile({7}, 0.95) == 7);
}

TEST_CASE("McNemar's exact test matches the published airway example (b=1, c=7, p=0.070)")
{
  // Fagerland, Lydersen & Laake, BMC Med Res Methodol 13:91 (2013): exact conditional p = 0.070.
  CHECK(mcnemar_exact_p(1, 7) == doctest::Approx(0.0703125));
  CHECK(mcnemar_exact_p(7, 1) == doctest::Approx(0.0703125));
  CHECK(mcnemar_exact_p(0, 0) == 1.0);
  CHECK(mcnemar_exact_p(5, 5) == 1.0);
  CHECK(mcnemar_exact_p(0, 10) == doctest::Approx(2.0 / 1024));
  // Large counts stay finite (log-space sum).
  CHECK(mcnemar_exact_p(400, 600) < 1e-9);
}

TEST_CASE("the bootstrap interval of a mean on normal data is within 10% of the analytical interval")
{
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.6, 0.15);
  std::vector<double> values;
  for (int i = 0; i < 400; ++i) {
    values.push_back(normal(rng));
  }
  double mean = 0;
  for (double v : values) {
    mean += v;
  }
  mean /= static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) {
    squares += (v - mean) * (v - mean);
  }
  const double se = std::sqrt(squares / static_cast<double>(values.size() - 1)) / std::sqrt(400.0);
  const double half = 1.959964 * se;
  const Interval ci = bootstrap_mean_interval(values, 42, 0.95, 4000);
  CHECK(std::fabs(ci.low - (mean - half)) < 0.1 * half);
  CHECK(std::fabs(ci.high - (mean + half)) < 0.1 * half);
}

TEST_CASE("the bootstrap is deterministic for a seed and moves with it")
{
  const std::vector<double> values = {0.1, 0.9, 0.4, 0.7, 0.3, 0.8, 0.5};
  const Interval a = bootstrap_mean_interval(values, 1);
  const Interval b = bootstrap_mean_interval(values, 1);
  const Interval c = bootstrap_mean_interval(values, 2);
  CHECK(a.low == b.low);
  CHECK(a.high == b.high);
  CHECK((a.low != c.low || a.high != c.high));
  CHECK(bootstrap_means(values, 1, 2000).size() == 2000);
  const Interval constant = bootstrap_mean_interval(std::vector<double>(50, 0.7), 1);
  CHECK(constant.low == 0.7);
  CHECK(constant.high == 0.7);
  CHECK(bootstrap_means(std::vector<double>(50, 0.7), 1, 300).size() == 300);
}

TEST_CASE("the paired bootstrap p-value is 1 without differences and tiny for a consistent shift")
{
  CHECK(bootstrap_p_value(bootstrap_means(std::vector<double>(20, 0.0), 3)) == 1.0);
  CHECK(bootstrap_p_value(bootstrap_means(std::vector<double>(20, 0.1), 3)) == 0.0);
  CHECK(bootstrap_p_value({}) == 1.0);
}

TEST_CASE("intervals of many columns at once equal one bootstrap_mean_interval per column, bit for bit")
{
  std::mt19937_64 gen(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto column = [&](std::size_t n, bool binary) {
    std::vector<double> values(n);
    for (double& v : values) {
      v = binary ? (unit(gen) < 0.7 ? 1.0 : 0.0) : unit(gen);
    }
    return values;
  };
  // Two lengths shared by several columns, plus the shortcuts: constant, single, empty.
  const std::vector<std::vector<double>> columns = {column(300, true),
                                                    column(300, false),
                                                    column(57, false),
                                                    column(300, true),
                                                    std::vector<double>(300, 1.0),
                                                    std::vector<double>{0.25},
                                                    std::vector<double>{},
                                                    column(57, true)};
  std::vector<const std::vector<double>*> pointers;
  for (const auto& c : columns) {
    pointers.push_back(&c);
  }
  for (const std::uint64_t seed : {1ull, 42ull}) {
    const std::vector<Interval> together = bootstrap_mean_intervals(pointers, seed, 0.95, 500);
    REQUIRE(together.size() == columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const Interval alone = bootstrap_mean_interval(columns[c], seed, 0.95, 500);
      CHECK(together[c].low == alone.low);
      CHECK(together[c].high == alone.high);
    }
  }
}

TEST_CASE("bootstrap_means follows its documented draw procedure exactly (stored reports stay reproducible)")
{
  std::mt19937_64 gen(5);
  std::vector<double> values(1001);
  for (double& v : values) {
    v = static_cast<double>(gen() % 1000) / 999.0;
  }
  CHECK(bootstrap_means(values, 42, 300) == reference(values, 42, 300));
  CHECK(bootstrap_means(values, 7, 1) == reference(values, 7, 1));
  // The generator's own stream, whatever the seed, and across its 312-value state boundaries.
  for (const std::uint64_t seed :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{5489}, ~std::uint64_t{0}}) {
    for (const std::size_t length :
         {std::size_t{2}, std::size_t{311}, std::size_t{312}, std::size_t{313}, std::size_t{625}}) {
      const std::vector<double> head(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(length));
      CAPTURE(seed);
      CAPTURE(length);
      CHECK(bootstrap_means(head, seed, 7) == reference(head, seed, 7));
    }
  }
}

TEST_CASE("pass/fail, dyadic and integer columns, and up to six real ones at once, give the documented "
          "procedure's means bit for bit")
{
  // Columns whose partial sums are exact are summed in integers in any order, real ones several at
  // a time in draw order: both must still equal the plain draw-order procedure.
  std::mt19937_64 gen(3);
  auto column = [&](int kind) {
    std::vector<double> values(701);
    for (double& v : values) {
      const auto draw = gen();
      switch (kind) {
      case 0:
        v = static_cast<double>(draw % 2);
        break; // pass/fail
      case 1:
        v = static_cast<double>(draw % 9) * 0.25 - 1.0;
        break; // quarters, negative too
      case 2:
        v = static_cast<double>(draw % 100000) - 50000.0;
        break; // integers
      case 3:
        v = static_cast<double>(draw % 3) / 3.0;
        break; // thirds: not exact
      default:
        v = static_cast<double>(draw % 1000) / 999.0 + 1e-9;
        break; // real
      }
    }
    return values;
  };
  std::vector<std::vector<double>> columns;
  for (const int kind : {0, 1, 2, 3, 4, 4, 4, 4, 4, 0}) {
    columns.push_back(column(kind));
  }
  std::vector<const std::vector<double>*> pointers;
  for (const auto& c : columns) {
    pointers.push_back(&c);
    CHECK(bootstrap_means(c, 9, 40) == reference(c, 9, 40));
  }
  const std::vector<Interval> together = bootstrap_mean_intervals(pointers, 9, 0.95, 40);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const std::vector<double> means = reference(columns[c], 9, 40);
    CAPTURE(c);
    const double tail = (1 - 0.95) / 2; // as the percentile interval computes it
    CHECK(together[c].low == quantile(means, tail));
    CHECK(together[c].high == quantile(means, 1 - tail));
  }
}

TEST_CASE("a bootstrap large enough for two threads gives the documented procedure's means bit for bit")
{
  // 2003 cases x 2001 resamples: past the two-thread threshold, an odd count so the halves differ,
  // and a length that does not divide the generator's 312-value blocks.
  std::mt19937_64 gen(17);
  std::vector<double> real(2003);
  std::vector<double> binary(2003);
  for (std::size_t i = 0; i < real.size(); ++i) {
    real[i] = static_cast<double>(gen() % 1000) / 999.0;
    binary[i] = static_cast<double>(gen() % 2);
  }
  // Each column alone draws the same picks as the two together.
  const std::vector<double> real_means = reference(real, 21, 2001);
  const std::vector<double> binary_means = reference(binary, 21, 2001);
  CHECK(bootstrap_means(real, 21, 2001) == real_means);
  CHECK(bootstrap_means(binary, 21, 2001) == binary_means);
  const std::vector<Interval> both = bootstrap_mean_intervals({&real, &binary}, 21, 0.95, 2001);
  const double tail = (1 - 0.95) / 2;
  CHECK(both[0].low == quantile(real_means, tail));
  CHECK(both[1].high == quantile(binary_means, 1 - tail));
}
