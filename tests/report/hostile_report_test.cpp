// Every report format stays valid UTF-8 when model text is not (docs/robustness.md): the store
// keeps an output's bytes as produced, and each report replaces an invalid sequence with U+FFFD.

#include <doctest/doctest.h>

#include <sstream>

#include "hostile_run.hpp"
#include "report/report.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

// Strict UTF-8: no stray continuation bytes, overlong forms, surrogates or values past U+10FFFF.
bool valid_utf8(const std::string& text)
{
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80             ? 1
                               : (lead & 0xE0) == 0xC0 ? 2
                               : (lead & 0xF0) == 0xE0 ? 3
                               : (lead & 0xF8) == 0xF0 ? 4
                                                       : 0;
    if (length == 0 || i + length > text.size()) {
      return false;
    }
    std::uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        return false;
      }
      code = (code << 6) | (next & 0x3F);
    }
    const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < min[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

} // namespace

TEST_CASE("every report format of a run with invalid UTF-8 in its outputs is valid UTF-8")
{
  const RunData run = hostile_run();
  REQUIRE_FALSE(valid_utf8(run.trials.front().trial.output));
  for (const auto format : {ReportFormat::table, ReportFormat::json, ReportFormat::junit,
                            ReportFormat::markdown, ReportFormat::html, ReportFormat::csv}) {
    std::ostringstream out;
    write_report(out, run, format, TerminalOptions{});
    INFO("format " << static_cast<int>(format));
    CHECK(valid_utf8(out.str()));
  }
  std::ostringstream annotations;
  write_github_annotations(annotations, run);
  CHECK(valid_utf8(annotations.str()));
}

TEST_CASE("the CSV report replaces invalid UTF-8 with U+FFFD and keeps valid text as written")
{
  std::ostringstream out;
  write_csv_report(out, hostile_run());
  CHECK(out.str().find("bad\xEF\xBF\xBD byte") != std::string::npos);
  CHECK(out.str().find("\xFF") == std::string::npos);
}
