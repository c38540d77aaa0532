#include "engine/trace_scoring.hpp"
#include "traces/trace_assembly.hpp"

namespace evalgate {

TraceSource default_trace_source()
{
  return TraceSource{traces::read_trace_file, traces::scorable_units};
}

} // namespace evalgate
