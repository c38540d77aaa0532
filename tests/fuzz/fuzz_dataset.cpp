// Fuzz target: one dataset reader (lib/suite), chosen at build time by EVALGATE_FUZZ_FORMAT:
// 0 JSONL, 1 CSV, 2 JSON, 3 YAML. Any bytes give cases or a data error, never a crash or an
// exception; every case read has a non-empty id and a location naming the dataset.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_support.hpp"
#include "suite/dataset_formats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace evalgate;
  using namespace evalgate::suite_detail;
  const std::string text(fuzz::as_text(data, size));
  const DatasetSource source{"fuzz.data", "fuzz"};
  Result<std::vector<Case>> cases = std::vector<Case>{};
  if constexpr (EVALGATE_FUZZ_FORMAT == 0 || EVALGATE_FUZZ_FORMAT == 1) {
    std::istringstream in(text);
    cases = EVALGATE_FUZZ_FORMAT == 0 ? read_jsonl(in, source) : read_csv(in, source);
  } else {
    cases = read_tree(text, source, EVALGATE_FUZZ_FORMAT == 2);
  }
  if (cases) {
    for (const Case& one : *cases) {
      fuzz::fuzz_check(!one.id.empty(), "every case has an id");
      fuzz::fuzz_check(one.vars.is_object(), "a case's vars are an object");
    }
  } else {
    fuzz::fuzz_check(cases.error().category == ErrorCategory::data, "a bad dataset is a data error");
  }
  return 0;
}
