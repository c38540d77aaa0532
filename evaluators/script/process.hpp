#pragma once
// evaluators/script/process: runs one program to completion with a text on its stdin and a
// deadline, capturing stdout and stderr. No shell: argv[0] is looked up in PATH when it has no
// '/', else used as given. The child gets its own process group; on timeout the whole group is
// killed (SIGKILL) and reaped, so nothing outlives the call. SIGPIPE from a child that stops
// reading is blocked and consumed on this thread. Thread-safe: each call owns its pipes.

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace evalgate {

struct ProcessOutcome {
  std::string out;
  std::string err; // the last few KB only
  bool timed_out = false;
  std::optional<int> exit_code; // set when the program exited
  std::optional<int> signal;    // set when a signal ended it
};

constexpr std::size_t k_process_max_stdout = 1024 * 1024;

// Fails only when the program could not be started ("could not start 'x': No such file or
// directory"). `cwd` empty = the current directory.
Result<ProcessOutcome> run_process(const std::vector<std::string>& argv, const std::string& cwd,
                                   const std::string& input, long timeout_ms);

} // namespace evalgate
