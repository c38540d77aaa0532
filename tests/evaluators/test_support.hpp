#pragma once
// Helpers for evaluator tests: build a spec from JSON, score one output against one case.

#include <string>

#include "core/types.hpp"
#include "evaluators/registry.hpp"

namespace evalgate::testing {

inline EvaluatorSpec spec_of(const Json& config, Location location = {"evalgate.yaml", 7, 5, 0, ""})
{
  EvaluatorSpec spec;
  spec.type = config.value("type", "");
  spec.name = config.contains("name") && config["name"].is_string() ? config["name"].get<std::string>() : "";
  spec.config = config;
  spec.location = std::move(location);
  return spec;
}

// The config error message with its location, as the CLI prints it.
inline std::string build_error(const Json& config)
{
  auto built = make_evaluator(spec_of(config));
  return built ? std::string("(built)") : built.error().str();
}

inline Score score_output(const Json& config, const std::string& output, const Json& vars = Json::object(),
                          double latency_ms = 100)
{
  auto built = make_evaluator(spec_of(config));
  if (!built) {
    Score failed;
    failed.error = "build failed: " + built.error().str();
    return failed;
  }
  Case test_case;
  test_case.id = "c1";
  test_case.vars = vars;
  Trial trial;
  trial.output = output;
  trial.latency_ms = latency_ms;
  return (*built)->evaluate(EvalInput{test_case, trial});
}

} // namespace evalgate::testing
