#include "suite/dataset_reader.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "suite/dataset_formats.hpp"
#include "suite/yaml_node.hpp"

namespace evalgate {

namespace {

enum class Format { jsonl, csv, json, yaml };

std::optional<Format> format_of(const std::filesystem::path& path)
{
  std::string ext = path.extension().string();
  for (char& c : ext) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (ext == ".jsonl") {
    return Format::jsonl;
  }
  if (ext == ".csv") {
    return Format::csv;
  }
  if (ext == ".json") {
    return Format::json;
  }
  if (ext == ".yaml" || ext == ".yml") {
    return Format::yaml;
  }
  return std::nullopt;
}

} // namespace

Result<std::vector<Case>> read_dataset(const std::string& path, const std::string& display_path)
{
  std::vector<Case> cases;
  auto read = read_dataset(path, display_path, [&cases](Case&& test_case) -> Result<void> {
    cases.push_back(std::move(test_case));
    return {};
  });
  if (!read) {
    return fail(read.error());
  }
  return cases;
}

Result<std::size_t> read_dataset(const std::string& path, const std::string& display_path, const CaseSink& sink)
{
  namespace fs = std::filesystem;
  const Location file_at = suite_detail::file_location(display_path);
  const auto format = format_of(path);
  if (!format) {
    const std::string ext = fs::path(path).extension().string();
    return fail(ErrorCategory::data,
                "unsupported dataset format '" + (ext.empty() ? std::string("(no extension)") : ext) +
                  "'; expected .jsonl, .csv, .json, .yaml or .yml",
                file_at);
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return fail(ErrorCategory::data, std::string("cannot open: ") + std::strerror(EISDIR), file_at);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCategory::data, std::string("cannot open: ") + std::strerror(errno), file_at);
  }
  const suite_detail::DatasetSource source{display_path, fs::path(display_path).stem().string()};
  Result<std::size_t> cases = std::size_t{0};
  switch (*format) {
  case Format::jsonl: cases = suite_detail::read_jsonl(in, source, sink); break;
  case Format::csv: cases = suite_detail::read_csv(in, source, sink); break;
  case Format::json:
  case Format::yaml: {
    // Whole-document formats: a JSON array or YAML list has to be parsed as one tree anyway, and
    // yaml-cpp holds ~45 times the file's size while it does, so these files get the row limit.
    const auto size = fs::file_size(path, ec);
    if (!ec && size > suite_detail::k_max_row_bytes) {
      return fail(
          ErrorCategory::data,
          fmt::format("a {} dataset is parsed whole, so it may hold at most {} (this one is {:.1f} MiB); "
                      "write one object per line as .jsonl, which is streamed",
                      *format == Format::json ? ".json" : "YAML", suite_detail::k_max_row_text,
                      static_cast<double>(size) / (1024.0 * 1024.0)),
          file_at);
    }
    std::ostringstream text;
    text << in.rdbuf();
    cases = suite_detail::read_tree(text.str(), source, *format == Format::json, sink);
    break;
  }
  }
  if (cases && *cases == 0) {
    return fail(ErrorCategory::data, "no cases", file_at);
  }
  return cases;
}

} // namespace evalgate
