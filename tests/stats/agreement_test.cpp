#include <doctest/doctest.h>

#include <cmath>

#include "stats/agreement.hpp"

using namespace evalgate;

namespace {

// Builds paired ratings from confusion-matrix counts.
void add(std::vector<bool>& human, std::vector<bool>& judge, bool h, bool j, int count)
{
  for (int i = 0; i < count; ++i) {
    human.push_back(h);
    judge.push_back(j);
  }
}

} // namespace

TEST_CASE("Cohen's kappa matches the textbook example: 20/5/10/15 of 50 gives p_o 0.7, p_e 0.5, kappa 0.4")
{
  std::vector<bool> human;
  std::vector<bool> judge;
  add(human, judge, true, true, 20);
  add(human, judge, true, false, 5);
  add(human, judge, false, true, 10);
  add(human, judge, false, false, 15);
  auto result = binary_agreement(human, judge);
  CHECK(result.matrix.n() == 50);
  CHECK(result.matrix.human_pass_judge_fail == 5);
  CHECK(result.matrix.human_fail_judge_pass == 10);
  CHECK(result.agreement == doctest::Approx(0.7));
  REQUIRE(result.kappa);
  CHECK(*result.kappa == doctest::Approx(0.4));
}

TEST_CASE("Cohen's kappa for Fleiss' 45/15/25/15 example is 0.1304")
{
  std::vector<bool> human;
  std::vector<bool> judge;
  add(human, judge, true, true, 45);
  add(human, judge, true, false, 15);
  add(human, judge, false, true, 25);
  add(human, judge, false, false, 15);
  auto result = binary_agreement(human, judge);
  CHECK(result.agreement == doctest::Approx(0.6));
  CHECK(*result.kappa == doctest::Approx(0.1304).epsilon(0.001));
}

TEST_CASE(
    "kappa is undefined when both raters give one identical label throughout, and 0 data has no agreement")
{
  auto constant = binary_agreement({true, true, true}, {true, true, true});
  CHECK(constant.agreement == 1);
  CHECK_FALSE(constant.kappa);
  auto empty = binary_agreement({}, {});
  CHECK(empty.matrix.n() == 0);
  CHECK_FALSE(empty.kappa);
  auto opposite = binary_agreement({true, false}, {false, true});
  CHECK(*opposite.kappa == doctest::Approx(-1));
}

TEST_CASE("average ranks share tied positions")
{
  CHECK(average_ranks({10, 20, 20, 30}) == std::vector<double>{1, 2.5, 2.5, 4});
  CHECK(average_ranks({3, 1, 2}) == std::vector<double>{3, 1, 2});
}

TEST_CASE("Spearman's rho matches the textbook IQ / TV-hours example: -29/165")
{
  const std::vector<double> iq = {106, 100, 86, 101, 99, 103, 97, 113, 112, 110};
  const std::vector<double> tv = {7, 27, 2, 50, 28, 29, 20, 12, 6, 17};
  auto rho = spearman(iq, tv);
  REQUIRE(rho);
  CHECK(*rho == doctest::Approx(-29.0 / 165.0));
}

TEST_CASE("Spearman's rho with ties is Pearson's r on average ranks")
{
  auto rho = spearman({1, 2, 2, 3}, {1, 2, 3, 4});
  REQUIRE(rho);
  CHECK(*rho == doctest::Approx(4.5 / std::sqrt(22.5)));
  CHECK(*spearman({1, 2, 3}, {30, 20, 10}) == doctest::Approx(-1));
  CHECK_FALSE(spearman({1}, {1}));
  CHECK_FALSE(spearman({1, 1, 1}, {1, 2, 3}));
}
