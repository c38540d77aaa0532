#include <doctest/doctest.h>

#include <sstream>

#include "hostile_run.hpp"
#include "report/report.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

std::string html_text(const RunData& run)
{
  std::ostringstream out;
  write_html_report(out, run);
  return out.str();
}

std::size_t count(const std::string& text, const std::string& needle)
{
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

} // namespace

TEST_CASE("the HTML report is one self-contained file: no external scripts, styles or images")
{
  const std::string html = html_text(sample_run());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("src=\"http") == std::string::npos);
  CHECK(html.find("href=\"http") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(count(html, "<script") == 1);
  CHECK(html.find("GATE FAILED") != std::string::npos);
  CHECK(html.find("<svg class=\"hist\"") != std::string::npos);
  CHECK(html.find("<table class=\"sortable\">") != std::string::npos);
}

TEST_CASE("script tags and attribute breakouts in outputs stay inert text in the HTML report")
{
  const std::string html = html_text(hostile_run());
  // Only the report's own script element, and it carries the CSP nonce.
  CHECK(count(html, "<script") == 1);
  CHECK(html.find("<script nonce=\"") != std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<b>suite</b>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;") !=
        std::string::npos);
  CHECK(html.find("&lt;script&gt;steal()&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("bad\xff") == std::string::npos);
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
}
