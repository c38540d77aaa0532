#pragma once
// cli/progress_printer: the live progress line on a terminal, one redrawn line on stderr
// ("[412/1200] 37.5/s ETA 0:21 errors 3"), elided to the terminal width, at most 10 redraws a
// second. Used only when stderr is a TTY and --no-progress was not given.

#include <chrono>

#include "engine/run_observer.hpp"

namespace evalgate::cli {

class ProgressPrinter : public RunObserver {
public:
  void on_start(const RunInfo& info, const RunProgress& progress) override;
  void on_trial(const ScoredTrial& trial, const RunProgress& progress) override;
  void on_finish(const RunProgress& progress) override;

private:
  void draw(const RunProgress& progress, bool force);

  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_draw;
  bool m_drawn = false;
};

// True when progress should be drawn: stderr is a terminal and TERM is not "dumb".
bool progress_wanted();

} // namespace evalgate::cli
