#include <doctest/doctest.h>

#include "suite_scratch.hpp"

using namespace evalgate;
using namespace evalgate::testing;

namespace {

const char* k_traces_suite = "name: prod\n"
                             "evaluators:\n"
                             "  - type: contains\n"
                             "    value: reset\n"
                             "gate:\n"
                             "  - metric: contains\n"
                             "    min_p05: 0.5\n"
                             "    min_mean: 0.8\n";

} // namespace

TEST_CASE("a suite of only evaluators and gate loads for traces score and not for a run")
{
  ScratchDir dir;
  dir.write("traces.yaml", k_traces_suite);
  CwdGuard cwd(dir.path());
  auto suite = load_suite("traces.yaml", SuiteLoadOptions{true});
  REQUIRE_MESSAGE(suite, error_text(suite));
  CHECK(suite->prompts.empty());
  CHECK(suite->providers.empty());
  CHECK(suite->cases.empty());
  REQUIRE(suite->gate.size() == 1);
  CHECK(suite->gate[0].min_p05 == 0.5);
  CHECK(error_text(load_suite("traces.yaml")) ==
        "traces.yaml:1:1: missing required key 'prompts' (the suite needs prompts, providers and datasets)");
}

TEST_CASE("min_p05 in a suite run's gate says it belongs to traces score")
{
  CHECK(load_error(base_suite("gate:\n  - metric: contains\n    min_p05: 0.5\n")) ==
        "evalgate.yaml:16:5: 'min_p05' applies to `evalgate traces score`; a suite run gates with min_mean, "
        "min_pass_rate, max_error_rate, max_drop and the other keys of docs/gate.md");
}
