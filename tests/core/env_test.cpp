#include <doctest/doctest.h>

#include <cstdlib>

#include "core/env.hpp"

using evalgate::expand_env;

TEST_CASE("environment variables expand inside a value")
{
  ::setenv("EVALGATE_TEST_PORT", "8123", 1);
  CHECK(expand_env("http://127.0.0.1:${EVALGATE_TEST_PORT}/v1").value() == "http://127.0.0.1:8123/v1");
  CHECK(expand_env("no vars $HOME here").value() == "no vars $HOME here");
}

TEST_CASE("an unset or malformed variable is an error naming it")
{
  ::unsetenv("EVALGATE_TEST_UNSET");
  auto r = expand_env("${EVALGATE_TEST_UNSET}");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "environment variable EVALGATE_TEST_UNSET is not set");
  CHECK(expand_env("${A-B}").error().message == "invalid variable name '${A-B}': expected letters, digits or '_'");
  CHECK(expand_env("x ${OPEN").error().message == "unterminated '${' in 'x ${OPEN'");
}
