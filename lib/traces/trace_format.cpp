#include "traces/trace_reader.hpp"

namespace evalgate::traces {

const char* trace_format_name(TraceFormat format)
{
  switch (format) {
  case TraceFormat::auto_detect:
    return "auto";
  case TraceFormat::otlp:
    return "otlp";
  case TraceFormat::openinference:
    return "openinference";
  case TraceFormat::langfuse:
    return "langfuse";
  case TraceFormat::langsmith:
    return "langsmith";
  }
  return "auto";
}

std::optional<TraceFormat> trace_format_from_name(std::string_view name)
{
  for (auto format : {TraceFormat::auto_detect, TraceFormat::otlp, TraceFormat::openinference,
                      TraceFormat::langfuse, TraceFormat::langsmith}) {
    if (name == trace_format_name(format)) {
      return format;
    }
  }
  if (name == "phoenix") {
    return TraceFormat::openinference;
  }
  return std::nullopt;
}

} // namespace evalgate::traces
