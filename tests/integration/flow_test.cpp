// Flow control and fallback through the real binary: option values and fallback ids are checked
// before any request, and a rate-limited provider still completes every trial.

#include <doctest/doctest.h>

#include "harness.hpp"

using namespace evalgate;
using namespace evalgate::testing;

TEST_CASE("a fallback naming no provider of the suite exits 2 with a suggestion before any request")
{
  SuiteShape shape;
  shape.cases = 3;
  shape.extra_provider_keys = "    fallback: badd\n";
  Harness h({}, shape);
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("provider 'good': fallback 'badd' is not a provider of this suite, did you mean 'bad'?") !=
        std::string::npos);
  CHECK(h.mock_stats()["requests"].get<int>() == 0);
}

TEST_CASE("requests_per_minute and concurrency limits still complete every trial")
{
  SuiteShape shape;
  shape.cases = 6;
  shape.extra_provider_keys =
      "    concurrency: 1\n    requests_per_minute: 6000\n    tokens_per_minute: 1000000\n";
  Harness h({}, shape);
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"});
  INFO(r.err);
  CHECK((r.exit_code == 0 || r.exit_code == 1));
  CHECK(h.mock_stats()["requests"].get<int>() == 12);
}
