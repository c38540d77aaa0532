#include "providers/exec_client_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace evalgate::exec_detail {

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  void reset()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
      m_fd = -1;
    }
  }
  void adopt(int fd)
  {
    reset();
    m_fd = fd;
  }

private:
  int m_fd = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

// O_CLOEXEC so children spawned concurrently by other workers do not inherit our ends (a stray
// copy of a stdout write end would keep that pipe from ever reaching EOF).
bool make_pipe(Pipe& pipe)
{
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return false;
  }
  pipe.read.adopt(fds[0]);
  pipe.write.adopt(fds[1]);
  return true;
}

void set_nonblocking(int fd)
{
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// A write to a pipe whose reader is gone raises SIGPIPE for this thread; the caller keeps it
// blocked, so it stays pending. Consume it, so it never fires if the mask changes later.
void consume_pending_sigpipe()
{
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  const timespec zero{0, 0};
  while (::sigtimedwait(&pipe_set, nullptr, &zero) == SIGPIPE) {
  }
}

long remaining_ms(Clock::time_point deadline)
{
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<long>(left);
}

std::vector<char*> c_strings(const std::vector<std::string>& strings)
{
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) {
    out.push_back(const_cast<char*>(s.c_str()));
  }
  out.push_back(nullptr);
  return out;
}

int spawn(const ProcessRequest& request, Pipe& in, Pipe& out, Pipe& err, pid_t& pid)
{
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), STDERR_FILENO);
  if (!request.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, request.cwd.c_str());
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Own process group (so a timeout kills the program's children too), default signal
  // dispositions and an empty mask (our workers block SIGPIPE; the program must not inherit that).
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> argv = c_strings(request.argv);
  std::vector<char*> envp = c_strings(request.env);
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  return rc;
}

void append_tail(std::string& tail, const char* data, std::size_t size, std::size_t limit)
{
  tail.append(data, size);
  if (tail.size() > limit) {
    tail.erase(0, tail.size() - limit);
  }
}

// Waits for `pid` until `deadline`; false when it is still running then.
bool wait_until(pid_t pid, int& status, Clock::time_point deadline)
{
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) {
      return true;
    }
    if (Clock::now() >= deadline) {
      return false;
    }
    ::poll(nullptr, 0, 2); // the program closed its pipes and is finishing; re-check shortly
  }
}

} // namespace

ProcessResult run_process(const ProcessRequest& request)
{
  ProcessResult result;
  if (request.argv.empty()) {
    result.error = "empty command";
    return result;
  }
  Pipe in;
  Pipe out;
  Pipe err;
  if (!make_pipe(in) || !make_pipe(out) || !make_pipe(err)) {
    result.error = std::string("cannot create pipes: ") + std::strerror(errno);
    return result;
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(request.timeout_ms);
  pid_t pid = -1;
  if (const int rc = spawn(request, in, out, err, pid); rc != 0) {
    result.error = "cannot run '" + request.argv[0] + "'" +
                   (request.cwd.empty() ? std::string() : " in '" + request.cwd + "'") + ": " +
                   std::strerror(rc);
    return result;
  }
  in.read.reset();
  out.write.reset();
  err.write.reset();
  set_nonblocking(in.write.get());
  set_nonblocking(out.read.get());
  set_nonblocking(err.read.get());

  std::size_t written = 0;
  if (request.stdin_bytes.empty()) {
    in.write.reset();
  }
  bool killed = false;
  char buffer[65536];
  while (out.read.get() >= 0 || err.read.get() >= 0) {
    pollfd fds[3];
    nfds_t count = 0;
    for (const int fd : {out.read.get(), err.read.get()}) {
      if (fd >= 0) {
        fds[count++] = pollfd{fd, POLLIN, 0};
      }
    }
    if (in.write.get() >= 0) {
      fds[count++] = pollfd{in.write.get(), POLLOUT, 0};
    }
    const long wait_ms = remaining_ms(deadline);
    if (wait_ms == 0) {
      result.status = ProcessStatus::timed_out;
      killed = true;
      break;
    }
    if (::poll(fds, count, static_cast<int>(wait_ms)) < 0 && errno != EINTR) {
      break;
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      const int fd = fds[i].fd;
      if (fd == in.write.get()) {
        const ssize_t n =
            ::write(fd, request.stdin_bytes.data() + written, request.stdin_bytes.size() - written);
        if (n > 0) {
          written += static_cast<std::size_t>(n);
        }
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == request.stdin_bytes.size()) {
          // Done, or the program stopped reading (EPIPE): either way it has all it will take.
          consume_pending_sigpipe();
          in.write.reset();
        }
        continue;
      }
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        continue;
      }
      const bool is_out = fd == out.read.get();
      if (n <= 0) {
        (is_out ? out.read : err.read).reset();
      } else if (is_out) {
        result.stdout_bytes.append(buffer, static_cast<std::size_t>(n));
      } else {
        append_tail(result.stderr_tail, buffer, static_cast<std::size_t>(n), request.stderr_tail_bytes);
      }
    }
    if (result.stdout_bytes.size() > request.max_stdout_bytes) {
      result.status = ProcessStatus::output_too_big;
      killed = true;
      break;
    }
  }
  int status = 0;
  if (!killed && !wait_until(pid, status, deadline)) {
    result.status = ProcessStatus::timed_out;
    killed = true;
  }
  if (killed) {
    // The unreaped leader keeps the group id reserved, so this cannot hit a recycled group.
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return result;
  }
  if (WIFEXITED(status)) {
    result.status = ProcessStatus::exited;
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.status = ProcessStatus::signalled;
    result.signal = WTERMSIG(status);
  }
  return result;
}

} // namespace evalgate::exec_detail
