// Fuzz target: the judge-verdict parser (evaluators/judge/verdict_parser). Any reply must give an
// object or nothing, never a crash, an exception or a non-object verdict.

#include <cstddef>
#include <cstdint>

#include "evaluators/judge/verdict_parser.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace evalgate;
  const auto verdict = parse_verdict(fuzz::as_text(data, size));
  if (verdict) {
    fuzz::fuzz_check(verdict->is_object(), "a parsed verdict is a JSON object");
  }
  return 0;
}
