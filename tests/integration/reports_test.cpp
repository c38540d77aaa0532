#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "harness.hpp"

using namespace evalgate::testing;

namespace {

std::string slurp(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("run --out writes every report format by extension, and export writes them for a stored run")
{
  Harness h;
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress", "-o", h.dir().file("junit.xml"), "-o",
                       h.dir().file("summary.md"), "-o", h.dir().file("report.html"), "-o",
                       h.dir().file("scores.csv")});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(slurp(h.dir().file("junit.xml")).find("<testsuites name=\"evalgate: ") != std::string::npos);
  CHECK(slurp(h.dir().file("summary.md")).rfind("## ", 0) == 0);
  CHECK(slurp(h.dir().file("report.html")).rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(slurp(h.dir().file("scores.csv")).rfind("run_id,candidate_id,", 0) == 0);

  auto exported = h.evalgate({"export", "latest", "--db", h.db(), "--format", "junit"});
  CHECK(exported.exit_code == 0);
  CHECK(exported.out == slurp(h.dir().file("junit.xml")));
  auto by_extension = h.evalgate({"export", "--db", h.db(), "--out", h.dir().file("again.md")});
  CHECK(by_extension.exit_code == 0);
  CHECK(slurp(h.dir().file("again.md")) == slurp(h.dir().file("summary.md")));
}

TEST_CASE("an unknown --out extension is a usage error before any request")
{
  Harness h;
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress", "--out", h.dir().file("report.pdf")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown report format '.pdf'") != std::string::npos);
  CHECK(h.mock_stats()["requests"].get<int>() == 0);
  auto e = h.evalgate({"export", "--db", h.db()});
  CHECK(e.exit_code == 2);
  CHECK(e.err == "evalgate: export needs --format (table, json, junit, markdown, html, csv) or --out FILE\n");
}

TEST_CASE("under GitHub Actions the run annotates failed rules and appends the step summary")
{
  Harness h;
  const std::string summary = h.dir().file("step-summary.md");
  std::ofstream(summary) << "earlier step\n";
  ProcessOptions options;
  options.env = {{"GITHUB_ACTIONS", "true"}, {"GITHUB_STEP_SUMMARY", summary}};
  auto r = h.evalgate({"run", "--db", h.db(), "--no-progress"}, options);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("::error title=evalgate gate%3A has-answer::has-answer pass rate ") != std::string::npos);
  CHECK(r.out.find("::error") == std::string::npos);
  const std::string text = slurp(summary);
  CHECK(text.rfind("earlier step\n## ", 0) == 0);
  CHECK(text.find("❌ gate failed") != std::string::npos);
}
