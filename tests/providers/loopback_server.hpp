#pragma once
// A real HTTP/1.1 server on 127.0.0.1 for transport and client tests: keep-alive, one thread per
// connection, Content-Length bodies. Register handlers with post(), then start(); the destructor
// stops it and joins every thread. Declare it before the Transport so the transport (and its
// kept-alive connections) is destroyed first.
//
// Why not cpp-httplib: Debian ships it split (declarations in httplib.h, code in
// libcpp-httplib.so), and tests/CMakeLists.txt does not link that library.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fixtures.hpp"

namespace evalgate::testing {

struct TestRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
  std::string body;

  std::string header(std::string name) const
  {
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const auto& [key, value] : headers) {
      if (key == name) {
        return value;
      }
    }
    return {};
  }
  bool has_header(const std::string& name) const { return !header(name).empty(); }
};

struct TestResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  void set_content(std::string content, std::string type)
  {
    body = std::move(content);
    headers.emplace_back("Content-Type", std::move(type));
  }
};

using TestHandler = std::function<void(const TestRequest&, TestResponse&)>;
// Writes the whole reply itself, in pieces and with pauses if it likes (streams, stalls, cuts);
// the connection is closed when it returns.
using RawHandler = std::function<void(const TestRequest&, int fd)>;

class LoopbackServer {
public:
  LoopbackServer() = default;
  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  void post(const std::string& path, TestHandler handler) { m_routes["POST " + path] = std::move(handler); }
  void post_raw(const std::string& path, RawHandler handler) { m_raw_routes["POST " + path] = std::move(handler); }

  // Bound and listening before the accept thread starts, so early requests wait in the backlog.
  void start()
  {
    m_listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    ::setsockopt(m_listen_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(m_listen_fd, 256) != 0 ||
        ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return;
    }
    m_port = ntohs(address.sin_port);
    m_accept_thread = std::thread([this] { accept_loop(); });
  }

  void stop()
  {
    if (m_stopping.exchange(true)) {
      return;
    }
    if (m_accept_thread.joinable()) {
      m_accept_thread.join();
    }
    if (m_listen_fd >= 0) {
      ::close(m_listen_fd);
    }
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(m_mutex);
      for (const int fd : m_connections) {
        ::shutdown(fd, SHUT_RDWR);
      }
      threads.swap(m_threads);
    }
    for (auto& thread : threads) {
      thread.join();
    }
  }

  int port() const { return m_port; }
  std::string url(const std::string& path = "") const
  {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }

private:
  // Waits for readability in short slices so stop() is noticed; false on stop or error.
  bool wait_readable(int fd)
  {
    while (!m_stopping) {
      pollfd pfd{fd, POLLIN, 0};
      const int ready = ::poll(&pfd, 1, 20);
      if (ready > 0) {
        return true;
      }
      if (ready < 0) {
        return false;
      }
    }
    return false;
  }

  void accept_loop()
  {
    while (wait_readable(m_listen_fd)) {
      const int fd = ::accept(m_listen_fd, nullptr, nullptr);
      if (fd < 0) {
        continue;
      }
      std::lock_guard lock(m_mutex);
      m_connections.push_back(fd);
      m_threads.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd)
  {
    std::string buffer;
    while (true) {
      TestRequest request;
      if (!read_request(fd, buffer, request)) {
        break;
      }
      if (const auto raw = m_raw_routes.find(request.method + " " + request.path); raw != m_raw_routes.end()) {
        raw->second(request, fd);
        break;
      }
      TestResponse response;
      const auto route = m_routes.find(request.method + " " + request.path);
      if (route == m_routes.end()) {
        response.status = 404;
        response.set_content("{\"error\":\"no route\"}", "application/json");
      } else {
        route->second(request, response);
      }
      std::string out = "HTTP/1.1 " + std::to_string(response.status) + " Status\r\n";
      for (const auto& [name, value] : response.headers) {
        out += name + ": " + value + "\r\n";
      }
      out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n" + response.body;
      if (!write_all(fd, out) || request.header("connection") == "close") {
        break;
      }
    }
    std::lock_guard lock(m_mutex);
    m_connections.erase(std::remove(m_connections.begin(), m_connections.end(), fd), m_connections.end());
    ::close(fd);
  }

  bool read_more(int fd, std::string& buffer)
  {
    if (!wait_readable(fd)) {
      return false;
    }
    char chunk[16384];
    const ssize_t got = ::recv(fd, chunk, sizeof(chunk), 0);
    if (got <= 0) {
      return false;
    }
    buffer.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  bool read_request(int fd, std::string& buffer, TestRequest& request)
  {
    std::size_t end = 0;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(fd, buffer)) {
        return false;
      }
    }
    const std::string head = buffer.substr(0, end);
    buffer.erase(0, end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const auto first_space = request_line.find(' ');
    const auto second_space = request_line.find(' ', first_space + 1);
    request.method = request_line.substr(0, first_space);
    request.path = request_line.substr(first_space + 1, second_space - first_space - 1);
    while (line_end != std::string::npos && line_end < head.size()) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const auto colon = line.find(':');
      if (colon == std::string::npos) {
        continue;
      }
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      request.headers.emplace_back(std::move(name), std::move(value));
    }
    if (request.header("expect") == "100-continue") {
      write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    const std::string length_text = request.header("content-length");
    const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    while (buffer.size() < length) {
      if (!read_more(fd, buffer)) {
        return false;
      }
    }
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);
    return true;
  }

public:
  static bool write_all(int fd, const std::string& data)
  {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

private:
  std::map<std::string, TestHandler> m_routes;
  std::map<std::string, RawHandler> m_raw_routes;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::thread m_accept_thread;
  std::mutex m_mutex;
  std::vector<int> m_connections;
  std::vector<std::thread> m_threads;
};

// A local port with nothing listening: bind an ephemeral port and close it again.
inline int unused_port()
{
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd); // never listened: connecting now is refused
  return port;
}

} // namespace evalgate::testing
