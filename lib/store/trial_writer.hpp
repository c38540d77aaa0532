#pragma once
// store/trial_writer: the single writer of a run. Owns its own SQLite connection on its own
// thread; push() is thread-safe and never blocks on disk. Trials and their scores are committed
// in batched transactions (every 64 trials or 200 ms, whichever first). finish() flushes
// everything pushed and joins; a write failure is reported by finish() (category store) and
// further pushes are dropped with the error remembered, never silently.

#include <memory>
#include <string>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

class TrialWriter {
public:
  static Result<std::unique_ptr<TrialWriter>> start(const std::string& db_path, std::string run_id);
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
