#pragma once
// engine/run_observer: what the Runner tells the outside while it works. Callbacks may come from
// worker threads, one at a time (the Runner serialises them); they must be quick.

#include <cstdint>

#include "core/types.hpp"

namespace evalgate {

struct RunProgress {
  std::int64_t total = 0;   // trials this invocation will run (a resume counts only the missing)
  std::int64_t done = 0;
  std::int64_t failed = 0;  // trials whose provider call failed
  std::int64_t skipped = 0; // trials already stored (resume)
};

class RunObserver {
public:
  virtual ~RunObserver() = default;
  virtual void on_start(const RunInfo& /*info*/, const RunProgress& /*progress*/) {}
  virtual void on_trial(const ScoredTrial& /*trial*/, const RunProgress& /*progress*/) {}
  virtual void on_finish(const RunProgress& /*progress*/) {}
};

} // namespace evalgate
