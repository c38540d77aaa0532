#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace evalgate;
using evalgate::testing::build_error;
using evalgate::testing::score_output;

TEST_CASE("max-latency-ms compares the trial latency with the limit")
{
  Json config = {{"type", "max-latency-ms"}, {"value", 2000}};
  Score fast = score_output(config, "ok", {}, 812);
  CHECK(fast.pass);
  CHECK(fast.reason == "latency 812 ms <= 2000 ms");
  Score slow = score_output(config, "ok", {}, 2310);
  CHECK_FALSE(slow.pass);
  CHECK(slow.value == 0.0);
  CHECK(slow.reason == "latency 2310 ms > 2000 ms");
  CHECK(score_output(config, "ok", {}, 2000.4).reason == "latency 2000.4 ms > 2000 ms");
}

TEST_CASE("max-latency-ms needs a number")
{
  CHECK(build_error({{"type", "max-latency-ms"}, {"value", "2s"}}) ==
        "evalgate.yaml:7:5: evaluator 'max-latency-ms' key 'value' must be a number, got string");
  CHECK(build_error({{"type", "max-latency-ms"}, {"value", -1}}) ==
        "evalgate.yaml:7:5: evaluator 'max-latency-ms' key 'value' must be >= 0, got -1");
}

TEST_CASE("max-length counts UTF-8 code points, not bytes")
{
  Json config = {{"type", "max-length"}, {"value", 5}};
  Score s = score_output(config, "héllo"); // 6 bytes, 5 characters
  CHECK(s.pass);
  CHECK(s.reason == "length 5 chars <= 5");
  Score emoji = score_output(config, "👍👍👍👍👍👍");
  CHECK_FALSE(emoji.pass);
  CHECK(emoji.reason == "length 6 chars > 5");
}

TEST_CASE("max-length needs a whole number")
{
  CHECK(build_error({{"type", "max-length"}, {"value", "200"}}) ==
        "evalgate.yaml:7:5: evaluator 'max-length' key 'value' must be a number, got string");
  CHECK(build_error({{"type", "max-length"}, {"value", 2.5}}) ==
        "evalgate.yaml:7:5: evaluator 'max-length' key 'value' must be a whole number >= 0, got 2.5");
  CHECK(build_error({{"type", "max-length"}}) ==
        "evalgate.yaml:7:5: evaluator 'max-length' needs 'value' (the maximum number of characters)");
}
