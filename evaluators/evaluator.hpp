#pragma once
// evaluators/evaluator: what every evaluator is. An Evaluator is built once per suite entry from
// its EvaluatorSpec (validated then, before any request) and is a stateless, thread-safe function
// of a trial: evaluate() may run concurrently on worker threads. Templated config values
// (`value: "{{expected}}"`) are rendered per case inside evaluate(); a render failure is an
// errored score, never a pass.

#include <memory>
#include <string>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

struct EvalInput {
  const Case& test_case;
  const Trial& trial; // trial.ok() is true: errored trials are not scored
};

class Evaluator {
public:
  virtual ~Evaluator() = default;
  // Score.metric is filled by the registry wrapper; implementations may leave it empty.
  virtual Score evaluate(const EvalInput& input) const = 0;
};

} // namespace evalgate
