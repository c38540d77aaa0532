#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include "mock_test_support.hpp"

using namespace evalgate;
using evalgate::test::chat_body;
using evalgate::test::connect_raw;
using evalgate::test::exchange_raw;
using evalgate::test::read_raw;
using evalgate::test::RunningMock;
using evalgate::test::send_raw;

namespace {

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::string post(const std::string& path, const std::string& body, const std::string& extra_headers = "")
{
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

int thread_count()
{
  int count = 0;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* entry = ::readdir(dir)) {
      count += entry->d_name[0] != '.' ? 1 : 0;
    }
    ::closedir(dir);
  }
  return count;
}

} // namespace

TEST_CASE("a malformed request gets 400 and the connection closed")
{
  RunningMock mock;
  const std::string reply = exchange_raw(mock.port(), "THIS IS NOT HTTP\r\n\r\n");
  CHECK(starts_with(reply, "HTTP/1.1 400 Bad Request\r\n"));
  CHECK(reply.find("Connection: close") != std::string::npos);
  CHECK(reply.find("Malformed HTTP request: request line must be 'METHOD TARGET HTTP/1.x'.") != std::string::npos);

  CHECK(starts_with(exchange_raw(mock.port(), "GET / HTTP/1.1\r\nbad header\r\n\r\n"), "HTTP/1.1 400 "));
  CHECK(starts_with(exchange_raw(mock.port(), std::string("\0\1\2\3\r\n\r\n", 8)), "HTTP/1.1 400 "));
  // The server is still serving.
  CHECK(starts_with(exchange_raw(mock.port(), "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n"), "HTTP/1.1 200 OK"));
}

TEST_CASE("bodies need a Content-Length of at most 64 MiB")
{
  RunningMock mock;
  CHECK(starts_with(exchange_raw(mock.port(), "POST /v1/chat/completions HTTP/1.1\r\n\r\n"), "HTTP/1.1 411 "));
  CHECK(starts_with(exchange_raw(mock.port(), "POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                              "5\r\nhello\r\n0\r\n\r\n"),
                    "HTTP/1.1 411 "));
  CHECK(starts_with(exchange_raw(mock.port(), "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 67108865\r\n\r\n"),
                    "HTTP/1.1 413 "));
}

TEST_CASE("Expect: 100-continue gets an interim answer before the body is sent")
{
  RunningMock mock;
  const int fd = connect_raw(mock.port());
  REQUIRE(fd >= 0);
  const std::string body = chat_body("m", "continued");
  send_raw(fd, "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) +
                 "\r\nExpect: 100-continue\r\n\r\n");
  CHECK(read_raw(fd, "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
  send_raw(fd, body);
  const std::string reply = read_raw(fd, "\"continued\"");
  CHECK(starts_with(reply, "HTTP/1.1 200 OK\r\n"));
  ::close(fd);
}

TEST_CASE("keep-alive serves pipelined requests in order and Connection: close ends the connection")
{
  RunningMock mock;
  const int fd = connect_raw(mock.port());
  REQUIRE(fd >= 0);
  send_raw(fd, post("/v1/chat/completions", chat_body("m", "first")) +
                 post("/v1/chat/completions", chat_body("m", "second")) +
                 post("/v1/chat/completions", chat_body("m", "third"), "Connection: close\r\n"));
  const std::string replies = read_raw(fd); // returns at EOF: the server closed after the third
  ::close(fd);
  const std::size_t first = replies.find("\"first\"");
  const std::size_t second = replies.find("\"second\"");
  const std::size_t third = replies.find("\"third\"");
  REQUIRE(third != std::string::npos);
  CHECK(first < second);
  CHECK(second < third);
  CHECK(replies.find("Connection: close") > second);
}

TEST_CASE("HTTP/1.0 requests are answered and closed")
{
  RunningMock mock;
  const std::string reply = exchange_raw(mock.port(), "GET /health HTTP/1.0\r\n\r\n");
  CHECK(starts_with(reply, "HTTP/1.1 200 OK\r\n"));
  CHECK(reply.find("Connection: close") != std::string::npos);
  CHECK(reply.substr(reply.size() - 2) == "ok");
}

TEST_CASE("threads of finished connections are reaped")
{
  RunningMock mock;
  const int before = thread_count();
  for (int i = 0; i < 300; ++i) {
    exchange_raw(mock.port(), "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n");
  }
  CHECK(thread_count() < before + 10);
}

TEST_CASE("stop closes idle keep-alive connections promptly")
{
  RunningMock mock;
  int fds[8];
  for (int& fd : fds) {
    fd = connect_raw(mock.port());
    REQUIRE(fd >= 0);
    send_raw(fd, "GET /health HTTP/1.1\r\n\r\n");
    REQUIRE(starts_with(read_raw(fd, "ok"), "HTTP/1.1 200"));
  }
  const auto start = std::chrono::steady_clock::now();
  mock.server().stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1000));
  for (const int fd : fds) {
    CHECK(read_raw(fd).empty()); // EOF
    ::close(fd);
  }
  mock.server().stop(); // a second stop is harmless
}
