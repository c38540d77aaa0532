#pragma once
// A minimal blocking HTTP/1.1 client for the mock provider's tests: one kept-alive connection,
// Content-Length bodies, a read timeout. A failed exchange (reset, closed without an answer,
// timeout) returns nullopt and drops the connection.
//
// Why not cpp-httplib's Client: Debian ships it split (declarations in httplib.h, code in
// libcpp-httplib.so) and tests/CMakeLists.txt does not link that library.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace evalgate::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline std::string lower_case(std::string text)
{
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

struct TestReply {
  int status = 0;
  Headers headers; // names lower-cased
  std::string body;

  bool has_header(const std::string& name) const
  {
    for (const auto& [key, value] : headers) {
      if (key == lower_case(name)) {
        return true;
      }
    }
    return false;
  }
  std::string get_header_value(const std::string& name) const
  {
    for (const auto& [key, value] : headers) {
      if (key == lower_case(name)) {
        return value;
      }
    }
    return "";
  }
};

class TestHttpClient {
public:
  TestHttpClient(std::string host, int port) : m_host(std::move(host)), m_port(port) {}
  TestHttpClient(const TestHttpClient&) = delete;
  TestHttpClient& operator=(const TestHttpClient&) = delete;
  ~TestHttpClient() { disconnect(); }

  void set_read_timeout(long seconds, long microseconds) { m_timeout = timeval{seconds, microseconds}; }

  std::optional<TestReply> Get(const std::string& path) { return exchange("GET", path, {}, "", ""); }
  std::optional<TestReply> Post(const std::string& path, const std::string& body, const std::string& content_type)
  {
    return exchange("POST", path, {}, body, content_type);
  }
  std::optional<TestReply> Post(const std::string& path, const Headers& headers, const std::string& body,
                                const std::string& content_type)
  {
    return exchange("POST", path, headers, body, content_type);
  }

private:
  std::optional<TestReply> exchange(const std::string& method, const std::string& path, const Headers& headers,
                                    const std::string& body, const std::string& content_type)
  {
    std::string wire = method + " " + path + " HTTP/1.1\r\nHost: " + m_host + "\r\n";
    for (const auto& [name, value] : headers) {
      wire += name + ": " + value + "\r\n";
    }
    if (method == "POST") {
      wire += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    wire += "\r\n" + body;
    // A reused connection may have been closed by the server while idle: retry once on a new one.
    const bool reused = m_fd >= 0;
    if (!connect_if_needed() || !send_all(wire)) {
      disconnect();
      if (!reused || !connect_if_needed() || !send_all(wire)) {
        disconnect();
        return std::nullopt;
      }
    }
    auto reply = read_reply();
    if (!reply) {
      disconnect();
    }
    return reply;
  }

  bool connect_if_needed()
  {
    if (m_fd >= 0) {
      return true;
    }
    m_buffer.clear();
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(m_port));
    ::inet_pton(AF_INET, m_host.c_str(), &address.sin_addr);
    if (::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      disconnect();
      return false;
    }
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &m_timeout, sizeof(m_timeout));
    return true;
  }

  void disconnect()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
      m_fd = -1;
    }
  }

  bool send_all(const std::string& bytes)
  {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  bool fill()
  {
    char chunk[16384];
    const ssize_t n = ::recv(m_fd, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      return false;
    }
    m_buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  std::optional<TestReply> read_reply()
  {
    std::size_t head_end;
    while ((head_end = m_buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) {
        return std::nullopt;
      }
    }
    TestReply reply;
    const std::string head = m_buffer.substr(0, head_end + 2);
    m_buffer.erase(0, head_end + 4);
    if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) {
      return std::nullopt;
    }
    reply.status = std::atoi(head.c_str() + 9);
    std::size_t length = 0;
    bool close = false;
    for (std::size_t start = head.find("\r\n") + 2; start < head.size();) {
      const std::size_t end = head.find("\r\n", start);
      const std::string line = head.substr(start, end - start);
      start = end + 2;
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) {
        return std::nullopt;
      }
      std::string name = lower_case(line.substr(0, colon));
      std::string value = line.substr(line.find_first_not_of(' ', colon + 1));
      if (name == "content-length") {
        length = std::stoul(value);
      } else if (name == "connection" && lower_case(value) == "close") {
        close = true;
      }
      reply.headers.emplace_back(std::move(name), std::move(value));
    }
    while (m_buffer.size() < length) {
      if (!fill()) {
        return std::nullopt;
      }
    }
    reply.body = m_buffer.substr(0, length);
    m_buffer.erase(0, length);
    if (close) {
      disconnect();
    }
    return reply;
  }

  std::string m_host;
  int m_port;
  int m_fd = -1;
  timeval m_timeout{5, 0};
  std::string m_buffer;
};

} // namespace evalgate::test
