// YAML scalar typing (YAML 1.2 core schema) and the shipped example suites loading cleanly.

#include <doctest/doctest.h>

#include <cstdlib>

#include "suite/suite_loader.hpp"
#include "suite/yaml_node.hpp"
#include "suite_test_support.hpp"

using namespace evalgate;
using evalgate::suite_detail::plain_scalar_to_json;

TEST_CASE("plain scalars are typed as the YAML 1.2 core schema says")
{
  CHECK(plain_scalar_to_json("0") == Json(0));
  CHECK(plain_scalar_to_json("-12") == Json(-12));
  CHECK(plain_scalar_to_json("+3") == Json(3));
  CHECK(plain_scalar_to_json("0x1F") == Json(31));
  CHECK(plain_scalar_to_json("0o17") == Json(15));
  CHECK(plain_scalar_to_json("0.7") == Json(0.7));
  CHECK(plain_scalar_to_json(".5") == Json(0.5));
  CHECK(plain_scalar_to_json("1e3") == Json(1000.0));
  CHECK(plain_scalar_to_json("-2.5E-1") == Json(-0.25));
  CHECK(plain_scalar_to_json("true") == Json(true));
  CHECK(plain_scalar_to_json("FALSE") == Json(false));
  CHECK(plain_scalar_to_json("~").is_null());
  CHECK(plain_scalar_to_json("null").is_null());
  CHECK(plain_scalar_to_json("").is_null());
}

TEST_CASE("plain scalars that are not core-schema values stay strings")
{
  for (const char* text : {"yes", "no", "on", "1_000", ".inf", ".nan", "1.2.3", "0x", "12abc", "-", "v1"}) {
    CAPTURE(text);
    CHECK(plain_scalar_to_json(text) == Json(text));
  }
}

TEST_CASE("integers beyond 64 bits become floats rather than wrapping")
{
  CHECK(plain_scalar_to_json("18446744073709551615").is_number_unsigned());
  CHECK(plain_scalar_to_json("99999999999999999999").is_number_float());
}

TEST_CASE("the shipped quickstart suite loads")
{
  ::setenv("EVALGATE_MOCK_PORT", "8089", 0);
  auto suite = load_suite(std::string(EVALGATE_SOURCE_DIR) + "/datasets/quickstart/evalgate.yaml");
  REQUIRE_MESSAGE(suite, testing::error_text(suite));
  CHECK_FALSE(suite->cases.empty());
  CHECK(suite_candidates(*suite).size() == suite->prompts.size() * suite->providers.size());
}
