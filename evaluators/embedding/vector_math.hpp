#pragma once
// evaluators/embedding/vector_math: the batched cosine arithmetic every embedding evaluator and the
// benchmark use. Vectors are rows of a row-major float matrix; every function works on whole
// batches with Eigen expressions (row norms, element-wise products, matrix-vector products), never a
// per-pair loop. Pure functions, thread-safe. Depends on Eigen only, so the benchmark can compile it
// with optimisation in any build type.

#include <Eigen/Core>

namespace evalgate {

using EmbeddingMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using EmbeddingRow = Eigen::Matrix<float, 1, Eigen::Dynamic>;

// Scales every row to unit L2 norm in place. Rows whose norm is (near) zero, such as the built-in
// embedding of an empty text, stay all-zero, so their cosine with anything is 0 rather than NaN.
void normalize_rows(EmbeddingMatrix& rows);

// Cosine of row i of `a` with row i of `b`, for every i. `a` and `b` have the same shape; they need
// not be normalised.
Eigen::VectorXf paired_cosines(const EmbeddingMatrix& a, const EmbeddingMatrix& b);

// Cosine of every row of `rows` with `target` (one matrix-vector product). Same column count.
Eigen::VectorXf cosines_to(const EmbeddingMatrix& rows, const EmbeddingRow& target);

// A cosine as a score value: clamped to [0, 1] (negative similarity is no similarity) with NaN as 0.
double cosine_score(float cosine);

} // namespace evalgate
