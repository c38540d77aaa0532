// ISO-8601 timestamps of Langfuse, LangSmith and Phoenix exports read into nanoseconds since the epoch.

#include <doctest/doctest.h>

#include "traces/json_value.hpp"

using namespace evalgate::traces;

TEST_CASE("an ISO-8601 timestamp reads as nanoseconds since the epoch, its zone applied")
{
  CHECK(parse_iso8601_nanos("1970-01-01T00:00:01.5Z") == 1'500'000'000);
  CHECK(parse_iso8601_nanos("2026-08-18T16:17:55.402Z") == 1'787'069'875'402'000'000);
  CHECK(parse_iso8601_nanos("1970-01-01T01:00:00+01:00") == 0);
}

TEST_CASE("a timestamp outside int64 nanoseconds is not a timestamp instead of overflowing")
{
  // Found by fuzz_traces_langfuse: year 4052 overflowed the multiplication (undefined behaviour).
  CHECK(parse_iso8601_nanos("2262-04-11T23:47:16.854775807Z") == INT64_MAX);
  CHECK_FALSE(parse_iso8601_nanos("2262-04-11T23:47:16.854775808Z").has_value());
  CHECK_FALSE(parse_iso8601_nanos("4052-08-18T16:17:55.402Z").has_value());
  CHECK_FALSE(parse_iso8601_nanos("1013-01-01T00:00:00Z").has_value());
  CHECK(parse_iso8601_nanos("1677-09-21T00:12:44Z").has_value());
}
