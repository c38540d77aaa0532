#pragma once
// store/trial_writer: the single writer of a run. Owns its own SQLite connection on its own
// thread; push() is thread-safe and never blocks on disk. A new run's case rows may be left to it
// (CaseRows): they are committed before the first trial. Trials and their scores are committed
// in batched transactions (every 64 trials or 200 ms, whichever first). finish() flushes
// everything pushed and joins; a write failure is reported by finish() (category store) and
// further pushes are dropped with the error remembered, never silently.

#include <functional>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

class TrialWriter {
public:
  // A new run's case rows (Store::create_run_without_cases), which the writer inserts in one
  // transaction of their own before any trial, so the run's first requests need not wait for
  // them. case_at is called on the writer's thread, positions 0..count-1 in order; what it reads
  // must outlive finish(). A failure to insert them is a write failure: no trial is written
  // after it and finish() reports it.
  struct CaseRows {
    std::size_t count = 0;
    std::function<Case(std::size_t)> case_at;
  };

  static Result<std::unique_ptr<TrialWriter>> start(const std::string& db_path, std::string run_id);
  static Result<std::unique_ptr<TrialWriter>> start(const std::string& db_path, std::string run_id,
                                                    CaseRows cases);
  ~TrialWriter(); // calls finish() if needed
  void push(ScoredTrial trial);
  Result<void> finish();
  std::int64_t written() const; // trials committed so far
  bool failed() const;          // a batch failed to commit; finish() will say why

  struct Impl;

private:
  TrialWriter();
  std::unique_ptr<Impl> m_impl;
};

} // namespace evalgate
