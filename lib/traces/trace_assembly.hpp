#pragma once
// traces/trace_assembly: turns the records of ONE trace (gathered from any lines and files, in any
// order) into the units evalgate scores: LLM calls and agent runs, each with `retrieved_context`
// joined from the retriever/reranker records of the same trace (traces.md "context association"),
// and input/output filled from the trace root where a unit has none. Pure function, no I/O.

#include <vector>

#include "core/trace_record.hpp"

namespace evalgate::traces {

std::vector<TraceRecord> scorable_units(std::vector<TraceRecord> spans_of_one_trace);

} // namespace evalgate::traces
