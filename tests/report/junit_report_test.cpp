#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "hostile_run.hpp"
#include "process.hpp"
#include "report/report.hpp"
#include "temp_dir.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

std::string junit_text(const RunData& run)
{
  std::ostringstream out;
  write_junit_report(out, run);
  return out.str();
}

// xmllint's verdict on `xml` against tests/report/junit.xsd: "" when valid, else its message.
std::string schema_errors(const std::string& xml)
{
  evalgate::testing::TempDir dir;
  const std::string path = dir.file("report.xml");
  std::ofstream(path, std::ios::binary) << xml;
  const auto result = evalgate::testing::run_process(
    {"/usr/bin/env", "xmllint", "--noout", "--schema", std::string(EVALGATE_SOURCE_DIR) + "/tests/report/junit.xsd", path});
  return result.exit_code == 0 ? "" : result.err;
}

} // namespace

TEST_CASE("the JUnit report is valid against the JUnit schema")
{
  CHECK(schema_errors(junit_text(sample_run())) == "");
}

TEST_CASE("JUnit has a testsuite per candidate and a testcase per case, failures and errors counted")
{
  const std::string xml = junit_text(sample_run());
  CHECK(xml.find("<testsuites name=\"evalgate: support-bot\" tests=\"9\" failures=\"1\" errors=\"4\"") !=
        std::string::npos);
  CHECK(xml.find("<testsuite name=\"v1/good\" tests=\"4\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"1.000\" "
                 "timestamp=\"2024-05-01T10:00:00\">") != std::string::npos);
  CHECK(xml.find("<testsuite name=\"v1/bad\" tests=\"5\" failures=\"1\" errors=\"4\"") != std::string::npos);
  CHECK(xml.find("<testcase classname=\"support-bot.v1/good\" name=\"case-0\" time=\"0.250\"/>") != std::string::npos);
  CHECK(xml.find("<failure type=\"score\" message=\"similarity = 0.500: \">") != std::string::npos);
  CHECK(xml.find("<error type=\"error\" message=\"timeout: request timed out after 60000 ms\">") != std::string::npos);
  CHECK(xml.find("similarity: score error: embedding call failed: HTTP 500") != std::string::npos);
}

TEST_CASE("hostile model text stays valid, escaped XML")
{
  const std::string xml = junit_text(hostile_run());
  CHECK(schema_errors(xml) == "");
  CHECK(xml.find("<script>") == std::string::npos);
  CHECK(xml.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img") != std::string::npos);
  CHECK(xml.find('\x01') == std::string::npos);
}
