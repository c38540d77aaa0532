#pragma once
// providers/exec_client_process: runs one child process for the `exec` provider. posix_spawn (no
// shell: argv goes to execve as given), in its own process group, with the given stdin bytes,
// environment and working directory; collects stdout (bounded) and the tail of stderr; kills the
// whole group when the deadline passes. Blocks the calling thread until the child is reaped.
// Must be called from a thread that has SIGPIPE blocked (the exec client's workers do), so a child
// that exits without reading its stdin cannot kill evalgate. Internal to lib/providers.
// May use: core.

#include <cstddef>
#include <string>
#include <vector>

namespace evalgate::exec_detail {

struct ProcessRequest {
  std::vector<std::string> argv; // argv[0] without '/' is looked up in PATH
  std::vector<std::string> env;  // "NAME=value", the whole environment of the child
  std::string cwd;               // empty = evalgate's own working directory
  std::string stdin_bytes;
  long timeout_ms = 60000;
  std::size_t max_stdout_bytes = 16 * 1024 * 1024;
  std::size_t stderr_tail_bytes = 4096;
};

enum class ProcessStatus {
  exited,         // exit_code holds the status
  signalled,      // killed by signal `signal` (not by us)
  timed_out,      // we killed the group at the deadline
  output_too_big, // stdout passed max_stdout_bytes; we killed the group
  spawn_failed,   // error holds why (program not found, not executable, bad cwd)
};

struct ProcessResult {
  ProcessStatus status = ProcessStatus::spawn_failed;
  int exit_code = 0;
  int signal = 0;
  std::string stdout_bytes;
  std::string stderr_tail; // the last stderr_tail_bytes bytes the child wrote
  std::string error;
};

ProcessResult run_process(const ProcessRequest& request);

} // namespace evalgate::exec_detail
