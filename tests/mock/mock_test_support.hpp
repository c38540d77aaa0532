#pragma once
// Helpers for the mock provider's tests: a started MockServer, request bodies, and a raw-socket
// client for what an HTTP library will not send (malformed heads, Expect: 100-continue).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "mock/mock_server.hpp"

namespace evalgate::test {

inline std::string fixture(const std::string& name) { return std::string(EVALGATE_TEST_FIXTURES) + "/mock/" + name; }

class RunningMock {
public:
  explicit RunningMock(const MockOptions& options = {})
  {
    auto created = MockServer::create(options);
    REQUIRE_MESSAGE(created.has_value(), (created ? "" : created.error().str()));
    m_server = std::move(*created);
    m_server->start();
  }
  int port() const { return m_server->port(); }
  MockServer& server() { return *m_server; }
  nlohmann::json stats() const { return nlohmann::json::parse(m_server->stats_json()); }

private:
  std::unique_ptr<MockServer> m_server;
};

inline std::string chat_body(const std::string& model, const std::string& user_text)
{
  return nlohmann::json{{"model", model},
                        {"messages", {{{"role", "system"}, {"content", "be brief"}},
                                      {{"role", "user"}, {"content", user_text}}}}}
    .dump();
}

// Connects to 127.0.0.1:port; -1 on failure. Reads time out after `timeout_ms`.
inline int connect_raw(int port, long timeout_ms = 3000)
{
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return -1;
  }
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  return fd;
}

inline void send_raw(int fd, const std::string& bytes)
{
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

// Reads until the peer closes, a read times out, or `until` appears in what was read.
inline std::string read_raw(int fd, const std::string& until = "")
{
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
    if (got <= 0) {
      break;
    }
    out.append(buffer, static_cast<std::size_t>(got));
    if (!until.empty() && out.find(until) != std::string::npos) {
      break;
    }
  }
  return out;
}

// Sends `bytes` on a fresh connection and returns everything the server sent before closing.
inline std::string exchange_raw(int port, const std::string& bytes)
{
  const int fd = connect_raw(port);
  REQUIRE(fd >= 0);
  send_raw(fd, bytes);
  std::string reply = read_raw(fd);
  ::close(fd);
  return reply;
}

} // namespace evalgate::test
