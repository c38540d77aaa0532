#include "evaluators/script/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace evalgate {

namespace {

constexpr std::size_t k_max_stderr = 4096;

struct Pipe {
  int read = -1;
  int write = -1;
};

void close_fd(int& fd)
{
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

bool make_pipe(Pipe& pipe)
{
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return false;
  }
  pipe.read = fds[0];
  pipe.write = fds[1];
  return true;
}

// Writing to a child that exited raises SIGPIPE, which would end the whole run: block it on this
// thread while writing and consume a pending one afterwards.
class SigpipeGuard {
public:
  SigpipeGuard()
  {
    sigemptyset(&m_set);
    sigaddset(&m_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
  }
  ~SigpipeGuard()
  {
    const timespec zero{0, 0};
    while (sigtimedwait(&m_set, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

private:
  sigset_t m_set;
  sigset_t m_old;
};

} // namespace

Result<ProcessOutcome> run_process(const std::vector<std::string>& argv, const std::string& cwd,
                                   const std::string& input, long timeout_ms)
{
  if (argv.empty()) {
    return fail(ErrorCategory::config, "no program to run");
  }
  Pipe in;
  Pipe out;
  Pipe err;
  if (!make_pipe(in) || !make_pipe(out) || !make_pipe(err)) {
    for (int* fd : {&in.read, &in.write, &out.read, &out.write, &err.read, &err.write}) {
      close_fd(*fd);
    }
    return fail(ErrorCategory::internal, std::string("could not create pipes: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  if (!cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  // The child starts with default signal handling, whatever this process has blocked.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close_fd(in.read);
  close_fd(out.write);
  close_fd(err.write);
  if (rc != 0) {
    for (int* fd : {&in.write, &out.read, &err.read}) {
      close_fd(*fd);
    }
    return fail(ErrorCategory::config, "could not start '" + argv[0] + "': " + std::strerror(rc));
  }

  SigpipeGuard guard;
  ::fcntl(in.write, F_SETFL, O_NONBLOCK);
  ProcessOutcome outcome;
  std::size_t written = 0;
  if (input.empty()) {
    close_fd(in.write);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buffer[65536];
  while (out.read >= 0 || err.read >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      outcome.timed_out = true;
      break;
    }
    pollfd fds[3];
    nfds_t count = 0;
    int* owners[3];
    for (int* fd : {&in.write, &out.read, &err.read}) {
      if (*fd >= 0) {
        fds[count] = pollfd{*fd, static_cast<short>(fd == &in.write ? POLLOUT : POLLIN), 0};
        owners[count++] = fd;
      }
    }
    const int ready = ::poll(fds, count, static_cast<int>(std::min<long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) {
      break;
    }
    for (nfds_t k = 0; ready > 0 && k < count; ++k) {
      if (fds[k].revents == 0) {
        continue;
      }
      int& fd = *owners[k];
      if (&fd == &in.write) {
        const ssize_t n = ::write(fd, input.data() + written, input.size() - written);
        if (n > 0) {
          written += static_cast<std::size_t>(n);
        }
        // Done, or the child closed its stdin (EPIPE): either way there is no more to send.
        if (written == input.size() || (n < 0 && errno != EAGAIN && errno != EINTR)) {
          close_fd(fd);
        }
        continue;
      }
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
          close_fd(fd);
        }
        continue;
      }
      std::string& sink = &fd == &out.read ? outcome.out : outcome.err;
      sink.append(buffer, static_cast<std::size_t>(n));
      if (&fd == &err.read && sink.size() > k_max_stderr) {
        sink.erase(0, sink.size() - k_max_stderr);
      }
      if (&fd == &out.read && sink.size() > k_process_max_stdout) {
        sink.resize(k_process_max_stdout);
        close_fd(fd); // enough to know the output is not a verdict; the child gets EPIPE
      }
    }
  }
  close_fd(in.write);
  close_fd(out.read);
  close_fd(err.read);
  if (outcome.timed_out) {
    ::kill(-pid, SIGKILL);
  }
  int status = 0;
  // The pipes are closed, but a child may still be running (it closed stdout early): wait for it
  // until the deadline, then kill it.
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      break;
    }
    if (done < 0 && errno != EINTR) {
      return outcome;
    }
    if (std::chrono::steady_clock::now() >= deadline && !outcome.timed_out) {
      outcome.timed_out = true;
      ::kill(-pid, SIGKILL);
    }
    ::usleep(2000);
  }
  if (WIFEXITED(status)) {
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  }
  return outcome;
}

} // namespace evalgate
