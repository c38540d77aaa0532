#pragma once
// The sample run with hostile text in every field a report prints: markup, script, an attribute
// breakout, CSV formula, control characters and an invalid UTF-8 byte.

#include "report_fixture.hpp"

namespace evalgate::test {

inline constexpr const char* k_hostile_output =
  "<script>alert(1)</script>\"><img src=x onerror=alert(2)> | =HYPERLINK(\"x\") \x01 bad\xff byte, \"q\"\nline2";

inline RunData hostile_run()
{
  RunData run = sample_run();
  run.info.suite_name = "<b>suite</b>";
  for (ScoredTrial& t : run.trials) {
    t.trial.output = k_hostile_output;
    for (Score& s : t.scores) {
      s.reason = k_hostile_output;
    }
  }
  run.trials.back().trial.error = k_hostile_output;
  run.gate_results.back().message = k_hostile_output;
  Case c;
  c.id = "case-0";
  c.vars = Json{{"question", "<script>steal()</script>"}};
  run.cases.push_back(c);
  return run;
}

} // namespace evalgate::test
