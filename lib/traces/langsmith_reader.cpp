#include "traces/reader_context.hpp"

namespace evalgate::traces {

void read_langsmith_run(ReaderContext& context, simdjson::dom::element)
{
  context.warn("", "the LangSmith reader is not built yet; record skipped");
}

} // namespace evalgate::traces
