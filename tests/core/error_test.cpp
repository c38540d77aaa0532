#include <doctest/doctest.h>

#include "core/result.hpp"
#include "core/types.hpp"

using namespace evalgate;

TEST_CASE("locations format as file:line:col, file:row N, or the file alone")
{
  CHECK(Location{"evalgate.yaml", 14, 11, 0, ""}.str() == "evalgate.yaml:14:11");
  CHECK(Location{"golden.csv", 0, 0, 3, ""}.str() == "golden.csv:row 3");
  CHECK(Location{"x.json", 0, 0, 0, ""}.str() == "x.json");
  CHECK(Location{"s.yaml", 2, 0, 0, "gate[0].metric"}.str() == "s.yaml:2: gate[0].metric");
}

TEST_CASE("an error prints its location before its message")
{
  Error e = make_error(ErrorCategory::config, "unknown key 'promts'", Location{"evalgate.yaml", 3, 1, 0, ""});
  CHECK(e.str() == "evalgate.yaml:3:1: unknown key 'promts'");
  CHECK(make_error(ErrorCategory::usage, "no suite").str() == "no suite");
}

TEST_CASE("a result holds a value or an error and throws on the wrong access")
{
  Result<int> ok = 4;
  REQUIRE(ok);
  CHECK(*ok == 4);
  Result<int> bad = fail(ErrorCategory::data, "broken");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "broken");
  CHECK_THROWS_AS(bad.value(), EvalgateError);
  CHECK_THROWS_AS(ok.error(), EvalgateError);
  Result<void> v;
  CHECK(v);
  Result<void> vbad = fail(ErrorCategory::store, "disk full");
  CHECK_FALSE(vbad);
  CHECK_THROWS_WITH(vbad.or_throw(), "disk full");
}

TEST_CASE("failure kinds and run statuses round-trip through their names")
{
  CHECK(std::string(failure_kind_name(FailureKind::rate_limited)) == "rate_limited");
  CHECK(failure_kind_from_name("http_5xx") == FailureKind::http_5xx);
  CHECK(failure_kind_from_name("process") == FailureKind::process);
  CHECK_FALSE(failure_kind_from_name("bogus"));
  CHECK(run_status_from_name(run_status_name(RunStatus::interrupted)) == RunStatus::interrupted);
}
