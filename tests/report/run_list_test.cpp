#include <doctest/doctest.h>

#include <sstream>

#include "report/report.hpp"

using namespace evalgate;

TEST_CASE("the run list prints an aligned row per run with progress and verdict")
{
  std::vector<RunListEntry> runs;
  runs.push_back(
      {"20240502-def456", "support-bot", RunStatus::running, "2024-05-02T09:00:00Z", "", 12, 1200});
  runs.push_back(
      {"20240501-abc123", "rag", RunStatus::completed, "2024-05-01T10:00:00Z", "pass", 10, 10});
  std::ostringstream out;
  write_run_list(out, runs);
  CHECK(out.str() ==
        "id               suite        status     verdict   trials  started\n"
        "20240502-def456  support-bot  running    -        12/1200  2024-05-02T09:00:00Z\n"
        "20240501-abc123  rag          completed  pass       10/10  2024-05-01T10:00:00Z\n");
}

TEST_CASE("an empty run list says there are no runs yet")
{
  std::ostringstream out;
  write_run_list(out, {});
  CHECK(out.str() == "no runs yet (start one with `evalgate run`)\n");
}

TEST_CASE("a long suite name is elided in the run list")
{
  std::ostringstream out;
  write_run_list(out, {{"r1", std::string(50, 's'), RunStatus::failed, "", "fail", 0, 4}});
  CHECK(out.str().find(std::string(31, 's') + "…  failed") != std::string::npos);
}
