#pragma once
// evaluators/score: how evaluators build Scores, so the pass rule is written once:
// pass = value >= threshold, and an errored score never passes. The registry stamps the metric.

#include <string>

#include "core/types.hpp"

namespace evalgate {

inline Score graded_score(double value, double threshold, std::string reason)
{
  Score score;
  score.value = value;
  score.threshold = threshold;
  score.pass = value >= threshold;
  score.reason = std::move(reason);
  return score;
}

// 1 when `ok`, else 0.
inline Score binary_score(bool ok, double threshold, std::string reason)
{
  return graded_score(ok ? 1.0 : 0.0, threshold, std::move(reason));
}

// A score that could not be computed (a template variable missing, a runtime regex failure).
inline Score errored_score(double threshold, std::string error)
{
  Score score;
  score.value = 0;
  score.pass = false;
  score.threshold = threshold;
  score.error = std::move(error);
  return score;
}

} // namespace evalgate
