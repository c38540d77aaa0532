// Fuzz target: the suite loader (lib/suite) on a fuzzed suite file. Input starting with '{' (after
// blanks) is written as evalgate.json, anything else as evalgate.yaml, into a scratch folder that
// also holds the files the seeds refer to (datasets/golden.jsonl, datasets/extra.csv,
// prompts/support-v1.txt), so mutations of a valid suite reach the deep checks. Invariant: a suite
// or an error, never a crash or an exception.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_support.hpp"
#include "suite/suite_loader.hpp"

namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, std::string_view text)
{
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

fs::path make_scratch()
{
  std::string pattern = (fs::temp_directory_path() / "evalgate-fuzz-suite-XXXXXX").string();
  const char* made = mkdtemp(pattern.data());
  evalgate::fuzz::fuzz_check(made != nullptr, "a scratch folder can be made");
  const fs::path dir(made);
  write_file(dir / "datasets/golden.jsonl",
             "{\"id\": \"a\", \"question\": \"q1\", \"keyword\": \"refund\", \"answer\": \"a refund\"}\n"
             "{\"question\": \"q2\", \"keyword\": \"ship\", \"answer\": \"we ship\", \"expected\": \"x\"}\n");
  write_file(dir / "datasets/extra.csv", "question,keyword,answer\nq3,refund,\"yes, a refund\"\n");
  write_file(dir / "prompts/support-v1.txt", "You are a support agent. {{question}}\n");
  return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const fs::path dir = make_scratch();
  const std::string_view text = evalgate::fuzz::as_text(data, size);
  const auto first = text.find_first_not_of(" \t\r\n");
  const bool json = first != std::string_view::npos && text[first] == '{';
  const fs::path suite = dir / (json ? "evalgate.json" : "evalgate.yaml");
  write_file(suite, text);
  const auto loaded = evalgate::load_suite(suite.string());
  (void)loaded;
  fs::remove(suite);
  return 0;
}
