#include <doctest/doctest.h>

#include <cmath>

#include "evaluators/embedding/vector_math.hpp"

using namespace evalgate;

namespace {

EmbeddingMatrix rows_of(std::initializer_list<std::initializer_list<float>> values)
{
  EmbeddingMatrix m(static_cast<Eigen::Index>(values.size()),
                    static_cast<Eigen::Index>(values.begin()->size()));
  Eigen::Index r = 0;
  for (const auto& row : values) {
    Eigen::Index c = 0;
    for (float v : row) {
      m(r, c++) = v;
    }
    ++r;
  }
  return m;
}

} // namespace

TEST_CASE("paired cosines match hand-computed values row by row")
{
  // (1,0)·(1,1)/√2 = 0.70711; (3,4)·(4,3)/25 = 0.96; (1,2,) vs (-2,1) orthogonal = 0; (1,1) vs (-1,-1) = -1.
  EmbeddingMatrix a = rows_of({{1, 0}, {3, 4}, {1, 2}, {1, 1}});
  EmbeddingMatrix b = rows_of({{1, 1}, {4, 3}, {-2, 1}, {-1, -1}});
  Eigen::VectorXf cos = paired_cosines(a, b);
  REQUIRE(cos.size() == 4);
  CHECK(cos(0) == doctest::Approx(1.0 / std::sqrt(2.0)).epsilon(1e-6));
  CHECK(cos(1) == doctest::Approx(0.96).epsilon(1e-6));
  CHECK(cos(2) == doctest::Approx(0.0));
  CHECK(cos(3) == doctest::Approx(-1.0).epsilon(1e-6));
}

TEST_CASE("cosine does not depend on vector length")
{
  EmbeddingMatrix a = rows_of({{2, 0, 0}});
  EmbeddingMatrix b = rows_of({{100, 100, 0}});
  CHECK(paired_cosines(a, b)(0) == doctest::Approx(1.0 / std::sqrt(2.0)).epsilon(1e-6));
}

TEST_CASE("a zero vector has cosine 0 with everything instead of NaN")
{
  EmbeddingMatrix a = rows_of({{0, 0}, {0, 0}});
  EmbeddingMatrix b = rows_of({{1, 2}, {0, 0}});
  Eigen::VectorXf cos = paired_cosines(a, b);
  CHECK(cos(0) == 0.0f);
  CHECK(cos(1) == 0.0f);
  EmbeddingRow zero = EmbeddingRow::Zero(2);
  CHECK(cosines_to(b, zero).isZero());
}

TEST_CASE("normalize_rows makes every non-zero row unit length and leaves zero rows alone")
{
  EmbeddingMatrix m = rows_of({{3, 4}, {0, 0}, {0, -2}});
  normalize_rows(m);
  CHECK(m(0, 0) == doctest::Approx(0.6));
  CHECK(m(0, 1) == doctest::Approx(0.8));
  CHECK(m.row(1).isZero());
  CHECK(m(2, 1) == doctest::Approx(-1.0));
}

TEST_CASE("cosines_to compares every row with one target in one product")
{
  EmbeddingMatrix questions = rows_of({{1, 0}, {0, 1}, {1, 1}});
  EmbeddingRow target(2);
  target << 2, 0;
  Eigen::VectorXf cos = cosines_to(questions, target);
  CHECK(cos(0) == doctest::Approx(1.0));
  CHECK(cos(1) == doctest::Approx(0.0));
  CHECK(cos(2) == doctest::Approx(1.0 / std::sqrt(2.0)).epsilon(1e-6));
  CHECK(cos.mean() == doctest::Approx((1.0 + 0.0 + 1.0 / std::sqrt(2.0)) / 3.0).epsilon(1e-6));
}

TEST_CASE("a cosine becomes a score clamped to [0, 1]")
{
  CHECK(cosine_score(0.5f) == doctest::Approx(0.5));
  CHECK(cosine_score(-0.3f) == 0.0);
  CHECK(cosine_score(1.0000001f) == 1.0);
  CHECK(cosine_score(std::nanf("")) == 0.0);
}
