#pragma once
// A real `evalgate mock-provider` process for integration tests that need the binary's own mock
// (its answers file, its command line), stopped with SIGTERM when the object goes.

#include <csignal>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

namespace evalgate::testing {

// `evalgate mock-provider --port 0` in the background; the port is read from its first line.
class MockProviderProcess {
public:
  explicit MockProviderProcess(const std::string& answers_file)
  {
    int out[2];
    REQUIRE(pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> args = {EVALGATE_BIN, "mock-provider", "--port", "0", "--answers", answers_file};
    std::vector<char*> argv;
    for (auto& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') {
      line += c;
    }
    close(out[0]);
    const auto colon = line.rfind(':');
    REQUIRE_MESSAGE(colon != std::string::npos, line);
    m_port = std::stoi(line.substr(colon + 1));
  }
  ~MockProviderProcess()
  {
    kill(m_pid, SIGTERM);
    int status = 0;
    waitpid(m_pid, &status, 0);
  }
  int port() const { return m_port; }

private:
  pid_t m_pid = 0;
  int m_port = 0;
};

} // namespace evalgate::testing
