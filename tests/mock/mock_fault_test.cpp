#include <string>

#include <doctest/doctest.h>

#include "mock/mock_fault.hpp"
#include "mock/mock_server.hpp"

using namespace evalgate;

TEST_CASE("fault specs name a kind and a probability")
{
  struct Good {
    const char* text;
    MockFault fault;
    double probability;
  };
  const Good goods[] = {{"401:1", MockFault::http_401, 1.0},      {"429:0.1", MockFault::http_429, 0.1},
                        {"500:0", MockFault::http_500, 0.0},      {"503:0.5", MockFault::http_503, 0.5},
                        {"529:1.0", MockFault::http_529, 1.0},    {"timeout:0.25", MockFault::timeout, 0.25},
                        {"malformed:1e-2", MockFault::malformed, 0.01}, {"reset:.5", MockFault::reset, 0.5},
                        {"429_bare:0.2", MockFault::http_429_bare, 0.2}};
  for (const Good& good : goods) {
    CAPTURE(good.text);
    auto parsed = parse_mock_fault(good.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->fault == good.fault);
    CHECK(parsed->probability == doctest::Approx(good.probability));
  }
}

TEST_CASE("a bad fault spec is a usage error listing the accepted kinds")
{
  for (const char* text : {"429", "429:", "418:0.1", "429:1.5", "429:-0.1", "429:abc", "timeout:nan", ":0.5",
                           "429:0.1x", "429: 0.1", "Timeout:0.1", ""}) {
    CAPTURE(text);
    auto parsed = parse_mock_fault(text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().category == ErrorCategory::usage);
    CHECK(parsed.error().str() ==
          std::string("invalid --fault '") + text +
            "': expected KIND:PROBABILITY with KIND one of 401, 429, 500, 503, 529, timeout, malformed, reset, "
            "stream_cut, slow_stream, 429_bare and PROBABILITY in [0,1]");
  }
}

TEST_CASE("faults are drawn in order, at most one per request, reproducibly from the seed")
{
  const std::vector<MockFaultRate> rates = {{MockFault::http_429, 0.3}, {MockFault::http_500, 0.3}};
  mock::FaultPicker first(rates, 42);
  mock::FaultPicker second(rates, 42);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 2000; ++i) {
    const auto a = first.draw();
    CHECK(a == second.draw());
    counts[!a ? 0 : (*a == MockFault::http_429 ? 1 : 2)] += 1;
  }
  // 429 takes 30%; 500 takes 30% of the remaining 70% = 21%.
  CHECK(counts[1] == doctest::Approx(600).epsilon(0.15));
  CHECK(counts[2] == doctest::Approx(420).epsilon(0.15));

  mock::FaultPicker always({{MockFault::reset, 1.0}, {MockFault::http_429, 1.0}}, 1);
  CHECK(always.draw() == MockFault::reset);
  mock::FaultPicker never({{MockFault::reset, 0.0}}, 1);
  CHECK_FALSE(never.draw().has_value());
}
