#include "evaluators/embedding/vector_math.hpp"

#include <algorithm>
#include <cmath>

namespace evalgate {

namespace {

// Below this a row is treated as the zero vector: dividing by it would only amplify rounding noise.
constexpr float k_min_norm = 1e-12f;

Eigen::VectorXf inverse_norms(const EmbeddingMatrix& rows)
{
  const Eigen::ArrayXf norms = rows.rowwise().norm().array();
  return (norms > k_min_norm).select(norms.inverse(), 0.0f).matrix();
}

} // namespace

void normalize_rows(EmbeddingMatrix& rows)
{
  rows = inverse_norms(rows).asDiagonal() * rows;
}

Eigen::VectorXf paired_cosines(const EmbeddingMatrix& a, const EmbeddingMatrix& b)
{
  const Eigen::ArrayXf dots = a.cwiseProduct(b).rowwise().sum().array();
  return (dots * inverse_norms(a).array() * inverse_norms(b).array()).matrix();
}

Eigen::VectorXf cosines_to(const EmbeddingMatrix& rows, const EmbeddingRow& target)
{
  const float target_norm = target.norm();
  if (!(target_norm > k_min_norm)) {
    return Eigen::VectorXf::Zero(rows.rows());
  }
  const Eigen::VectorXf dots = rows * (target.transpose() / target_norm);
  return (dots.array() * inverse_norms(rows).array()).matrix();
}

double cosine_score(float cosine)
{
  if (std::isnan(cosine)) {
    return 0.0;
  }
  return std::clamp(static_cast<double>(cosine), 0.0, 1.0);
}

} // namespace evalgate
