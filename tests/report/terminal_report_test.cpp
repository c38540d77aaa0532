#include <doctest/doctest.h>

#include <sstream>

#include "report/report.hpp"
#include "report_fixture.hpp"

using namespace evalgate;
using namespace evalgate::test;

namespace {

std::string terminal(const RunData& run, TerminalOptions options = {})
{
  std::ostringstream out;
  write_terminal_report(out, run, options);
  return out.str();
}

bool has_line(const std::string& text, const std::string& line)
{
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) {
      return true;
    }
  }
  return false;
}

std::size_t longest_line(const std::string& text)
{
  std::istringstream in(text);
  std::size_t longest = 0;
  for (std::string l; std::getline(in, l);) {
    std::size_t width = 0;
    for (unsigned char c : l) {
      width += (c & 0xC0U) != 0x80U ? 1 : 0;
    }
    longest = std::max(longest, width);
  }
  return longest;
}

} // namespace

TEST_CASE("the terminal report starts with suite, run id, status and trial progress")
{
  const std::string text = terminal(sample_run());
  CHECK(text.rfind("support-bot · run 20240501-abc123 · completed · 9/10 trials\n", 0) == 0);
}

TEST_CASE("the terminal report has an aligned row per candidate and metric")
{
  const std::string text = terminal(sample_run());
  CHECK(has_line(text, "candidate  metric       mean  pass rate  n  errors"));
  CHECK(has_line(text, "v1/good    contains    1.000     100.0%  4       0"));
  CHECK(has_line(text, "v1/good    similarity  0.900     100.0%  4       0"));
  CHECK(has_line(text, "v1/bad     contains    0.500      50.0%  2       0"));
  CHECK(has_line(text, "v1/bad     similarity  0.500       0.0%  2       1"));
}

TEST_CASE("the terminal report gives each candidate's trials, failures by kind, latency and tokens")
{
  const std::string text = terminal(sample_run());
  CHECK(has_line(text, "v1/good: 4 trials, 0 failed; mean latency 250 ms; tokens 400 in, 80 out; "
                       "cost $0.0040"));
  // Too long for 100 columns: wrapped between parts.
  CHECK(text.find("v1/bad: 5 trials, 3 failed: 2 rate_limited, 1 timeout; mean latency 250 ms; "
                  "tokens 200 in, 40 out;\n  cost $0.0020\n") != std::string::npos);
}

TEST_CASE("the terminal report lists distinct errors with counts, most frequent first")
{
  const std::string text = terminal(sample_run());
  CHECK(has_line(text, "errors (3 distinct):"));
  CHECK(has_line(text, "  2 x rate_limited: HTTP 429: Rate limit reached"));
  CHECK(has_line(text, "  1 x similarity score: embedding call failed: HTTP 500"));
  CHECK(has_line(text, "  1 x timeout: request timed out after 60000 ms"));
  CHECK(text.find("2 x rate_limited") < text.find("1 x similarity score"));
}

TEST_CASE("only five distinct errors are shown, with a pointer to the rest")
{
  RunData run = sample_run();
  run.trials.clear();
  for (int i = 0; i < 7; ++i) {
    for (int k = 0; k <= i; ++k) {
      run.trials.push_back(make_failed("v1/bad", "c", FailureKind::http_4xx,
                                       "HTTP 400: problem " + std::to_string(i)));
    }
  }
  const std::string text = terminal(run);
  CHECK(has_line(text, "errors (7 distinct):"));
  CHECK(has_line(text, "  7 x http_4xx: HTTP 400: problem 6"));
  CHECK(has_line(text, "  3 x http_4xx: HTTP 400: problem 2"));
  CHECK(text.find("problem 1") == std::string::npos);
  CHECK(has_line(text, "  … 2 more (full errors: evalgate show 20240501-abc123 --format json)"));
}

TEST_CASE("an error message with newlines or escapes stays on one line")
{
  RunData run = sample_run();
  run.trials.push_back(
      make_failed("v1/bad", "c", FailureKind::http_5xx, "HTTP 502:\n<html>\x1b[31m"));
  const std::string text = terminal(run);
  CHECK(has_line(text, "  1 x http_5xx: HTTP 502: <html> [31m"));
}

TEST_CASE("a failed gate lists every failing rule's message and no ANSI escapes without colour")
{
  const std::string text = terminal(sample_run(), {false, "/tmp/runs/evalgate.db"});
  CHECK(has_line(text, "GATE FAILED (1 of 2 checks failed)"));
  CHECK(has_line(text, "  FAIL contains pass rate 0.500 < 0.950 on v1/bad"));
  CHECK(text.find("on v1/good") == std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
  const std::string tail = "\nGATE FAILED (1 of 2 checks failed)\n"
                           "  FAIL contains pass rate 0.500 < 0.950 on v1/bad\n"
                           "run 20240501-abc123 stored in /tmp/runs/evalgate.db\n";
  REQUIRE(text.size() > tail.size());
  CHECK(text.substr(text.size() - tail.size()) == tail);
}

TEST_CASE("a passed gate is green with colour and plain without")
{
  RunData run = sample_run();
  run.gate_results.pop_back();
  CHECK(has_line(terminal(run), "GATE PASSED (1 checks)"));
  const std::string coloured = terminal(run, {true, ""});
  CHECK(coloured.find("\x1b[1;32mGATE PASSED\x1b[0m") != std::string::npos);
  CHECK(terminal(sample_run(), {true, ""}).find("\x1b[1;31mGATE FAILED\x1b[0m") !=
        std::string::npos);
}

TEST_CASE("a run without gate rules says so and the run line omits an empty DB path")
{
  RunData run = sample_run();
  run.gate_results.clear();
  run.info.verdict.clear();
  const std::string text = terminal(run);
  CHECK(has_line(text, "no gate rules"));
  CHECK(has_line(text, "run 20240501-abc123"));
  CHECK(text.find("stored in") == std::string::npos);
}

TEST_CASE("an interrupted run that was never gated says it was not gated")
{
  RunData run = sample_run();
  run.gate_results.clear();
  run.info.verdict.clear();
  run.info.status = RunStatus::interrupted;
  CHECK(has_line(terminal(run), "not gated: run interrupted"));
}

TEST_CASE("the same failure message from several checks of a rule is printed once")
{
  RunData run = sample_run();
  GateResult missing;
  missing.metric = "x";
  missing.candidate_id = "v1/bad";
  missing.check = "min_mean";
  missing.message = "no scores for metric 'x' on v1/bad (metric not evaluated)";
  run.gate_results.push_back(missing);
  missing.check = "max_error_rate";
  run.gate_results.push_back(missing);
  const std::string text = terminal(run);
  const std::string line = "  FAIL no scores for metric 'x' on v1/bad (metric not evaluated)";
  CHECK(has_line(text, line));
  CHECK(text.find(line) == text.rfind(line));
  CHECK(has_line(text, "GATE FAILED (3 of 4 checks failed)"));
}

TEST_CASE("long candidate and metric names are elided to keep lines within 100 columns")
{
  RunData run = sample_run();
  const std::string long_candidate = "support-prompt-with-a-very-long-name/" + std::string(40, 'p');
  const std::string long_metric = "answer-similarity-against-the-reference-" + std::string(30, 'm');
  run.info.candidates.push_back({long_candidate, "x", "y"});
  run.trials.push_back(
      make_trial(long_candidate, "case-0", {make_score(long_metric, 0.25, false)}));
  const std::string text = terminal(run);
  CHECK(text.find(long_candidate) == std::string::npos);
  CHECK(text.find(long_metric) == std::string::npos);
  CHECK(text.find("support-prompt-with-a-very-long…") != std::string::npos);
  CHECK(text.find("answer-similarity-against-t…") != std::string::npos);
  CHECK(longest_line(text) <= 100);
}

TEST_CASE("a run with no scores at all says so instead of printing an empty table")
{
  RunData run = sample_run();
  run.trials = {make_failed("v1/bad", "c", FailureKind::network, "connection refused")};
  const std::string text = terminal(run);
  CHECK(has_line(text, "no scores"));
  CHECK(has_line(text,
                 "v1/bad: 1 trial, 1 failed: 1 network; mean latency 0 ms; tokens 0 in, 0 out"));
}
