#include <doctest/doctest.h>

#include "traces/trace_reader.hpp"

using namespace evalgate::traces;

TEST_CASE("trace format names round-trip and phoenix is an alias of openinference")
{
  for (auto format : {TraceFormat::auto_detect, TraceFormat::otlp, TraceFormat::openinference,
                      TraceFormat::langfuse, TraceFormat::langsmith}) {
    CHECK(trace_format_from_name(trace_format_name(format)) == format);
  }
  CHECK(trace_format_from_name("phoenix") == TraceFormat::openinference);
  CHECK_FALSE(trace_format_from_name("helicone").has_value());
}
