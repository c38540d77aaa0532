// Markdown, CSV and the format names: escaping and layout.

#include <doctest/doctest.h>

#include <sstream>

#include "hostile_run.hpp"
#include "report/report.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

template <typename Write> std::string render(const RunData& run, Write write)
{
  std::ostringstream out;
  write(out, run);
  return out.str();
}

} // namespace

TEST_CASE("the Markdown report leads with the verdict and the failed rules, then the table")
{
  const std::string md = render(sample_run(), write_markdown_report);
  CHECK(md.rfind("## support-bot: ❌ gate failed\n\nRun `20240501-abc123` · 9 of 10 trials · 2 candidates\n\n"
                 "**Failed rules**\n\n- contains pass rate 0.500 &lt; 0.950 on v1/bad\n\n",
                 0) == 0);
  CHECK(md.find("| v1/good | contains | 1.000 | 100.0% | 4 | 0 |") != std::string::npos);
  CHECK(md.find("<details><summary>Failing scores (6 of 6)</summary>") != std::string::npos);
  CHECK(md.find("| v1/bad | case-2 | (call failed) | rate\\_limited | HTTP 429: Rate limit reached |") !=
        std::string::npos);
}

TEST_CASE("Markdown cells escape pipes, markup and newlines from model text")
{
  const std::string md = render(hostile_run(), write_markdown_report);
  CHECK(md.find("<script>") == std::string::npos);
  CHECK(md.find("<img") == std::string::npos);
  CHECK(md.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt; \\| ") !=
        std::string::npos);
  CHECK(md.find("line2") != std::string::npos);
  CHECK(md.find("\nline2") == std::string::npos);
}

TEST_CASE("the CSV report has one row per trial and metric, quoted per RFC 4180, formulas defused")
{
  const std::string csv = render(hostile_run(), write_csv_report);
  std::size_t rows = 0;
  for (auto at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) {
    ++rows;
  }
  // Header + 4 good trials x 2 metrics + 2 bad scored trials x 2 metrics + 3 failed trials.
  // Quoted newlines inside outputs are bare \n, so only record ends count here.
  CHECK(rows == 1 + 8 + 4 + 3);
  CHECK(csv.rfind("run_id,candidate_id,case_id,repeat,failure,latency_ms,", 0) == 0);
  CHECK(csv.find("20240501-abc123,v1/good,case-0,0,,250,100,20,0.001,contains,1,true,,,") != std::string::npos);
  CHECK(csv.find(",\"<script>alert(1)</script>\"\"><img src=x onerror=alert(2)> | =HYPERLINK(\"\"x\"\")") !=
        std::string::npos);
  CHECK(csv.find("20240501-abc123,v1/bad,case-4,0,timeout,0,0,0,0,,,,,,,") != std::string::npos);
}

TEST_CASE("report formats are chosen by name or by file extension")
{
  CHECK(report_format_from_name("junit") == ReportFormat::junit);
  CHECK(report_format_from_name("md") == ReportFormat::markdown);
  CHECK_FALSE(report_format_from_name("xlsx"));
  CHECK(report_format_for_path("out/results.XML") == ReportFormat::junit);
  CHECK(report_format_for_path("summary.md") == ReportFormat::markdown);
  CHECK(report_format_for_path("r.html") == ReportFormat::html);
  CHECK(report_format_for_path("r.csv") == ReportFormat::csv);
  CHECK(report_format_for_path("r.json") == ReportFormat::json);
  CHECK_FALSE(report_format_for_path("dir.v2/report"));
  CHECK_FALSE(report_format_for_path("report.pdf"));
}

TEST_CASE("GitHub annotations: one ::error per distinct failed rule, message escaped")
{
  RunData run = sample_run();
  run.gate_results.back().message = "50% drop\non v1/bad";
  const std::string text = render(run, write_github_annotations);
  CHECK(text == "::error title=evalgate gate%3A contains::50%25 drop%0Aon v1/bad\n");
}
