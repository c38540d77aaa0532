#include <string>

#include <doctest/doctest.h>

#include "mock/http_message.hpp"

using namespace evalgate::mock;

TEST_CASE("a request head is parsed into method, path, lower-cased headers and framing")
{
  HttpRequest request;
  const std::string wire = "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n"
                           "Authorization:  Bearer k \r\nExpect: 100-continue\r\n\r\n{\"a\":1}";
  const HeadParse head = parse_request_head(wire, request);
  REQUIRE(head.status == HeadStatus::complete);
  CHECK(head.head_bytes == wire.find('{'));
  CHECK(request.method == "POST");
  CHECK(request.target == "/v1/chat/completions?x=1");
  CHECK(request.path == "/v1/chat/completions");
  REQUIRE(request.header("authorization") != nullptr);
  CHECK(*request.header("authorization") == "Bearer k");
  CHECK(request.has_length);
  CHECK(request.content_length == 12);
  CHECK(request.expect_continue);
  CHECK(request.keep_alive);
}

TEST_CASE("a head without its blank line is incomplete until it grows past the limit")
{
  HttpRequest request;
  CHECK(parse_request_head("GET /health HTTP/1.1\r\nHost: a\r\n", request).status == HeadStatus::incomplete);
  const std::string huge = "GET / HTTP/1.1\r\nX: " + std::string(k_max_head_bytes, 'a');
  const HeadParse head = parse_request_head(huge, request);
  CHECK(head.status == HeadStatus::bad);
  CHECK(head.error == "request head larger than 64 KiB");
}

TEST_CASE("connection persistence follows the HTTP version and the Connection header")
{
  HttpRequest request;
  REQUIRE(parse_request_head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", request).status == HeadStatus::complete);
  CHECK_FALSE(request.keep_alive);
  REQUIRE(parse_request_head("GET / HTTP/1.0\r\n\r\n", request).status == HeadStatus::complete);
  CHECK_FALSE(request.keep_alive);
  REQUIRE(parse_request_head("GET / HTTP/1.0\nConnection: Keep-Alive\n\n", request).status == HeadStatus::complete);
  CHECK(request.keep_alive);
  REQUIRE(parse_request_head("\r\nGET / HTTP/1.1\r\n\r\n", request).status == HeadStatus::complete);
  CHECK(request.keep_alive);
}

TEST_CASE("malformed request heads are refused with a reason")
{
  struct Bad {
    const char* wire;
    const char* error;
  };
  const Bad bads[] = {
    {"GARBAGE\r\n\r\n", "request line must be 'METHOD TARGET HTTP/1.x'"},
    {"GET  / HTTP/1.1\r\n\r\n", "request line must be 'METHOD TARGET HTTP/1.x'"},
    {"GET / HTTP/2.0\r\n\r\n", "unsupported HTTP version (expected HTTP/1.0 or HTTP/1.1)"},
    {"G(T / HTTP/1.1\r\n\r\n", "invalid method"},
    {"GET x HTTP/1.1\r\n\r\n", "request target must be a path"},
    {"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", "malformed header line"},
    {"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", "folded header lines are not supported"},
    {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "invalid Content-Length"},
    {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting Content-Length headers"},
  };
  for (const Bad& bad : bads) {
    CAPTURE(bad.wire);
    HttpRequest request;
    const HeadParse head = parse_request_head(bad.wire, request);
    CHECK(head.status == HeadStatus::bad);
    CHECK(head.error == bad.error);
  }
}

TEST_CASE("an oversized Content-Length saturates instead of overflowing")
{
  HttpRequest request;
  REQUIRE(parse_request_head("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", request).status ==
          HeadStatus::complete);
  CHECK(request.content_length > k_max_body_bytes);
}

TEST_CASE("a response is serialised with its length and connection mode")
{
  HttpResponse response;
  response.status = 429;
  response.headers.emplace_back("retry-after", "2");
  response.body = "{}";
  CHECK(serialize_response(response, true) ==
        "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        "Connection: keep-alive\r\nretry-after: 2\r\n\r\n{}");
}
