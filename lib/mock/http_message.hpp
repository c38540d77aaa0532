#pragma once
// mock/http_message: HTTP/1.1 request-head parsing and response serialisation for the mock
// server. Pure functions over bytes (no sockets), so malformed input is unit-testable.
// The parser accepts HTTP/1.0 and HTTP/1.1, CRLF or bare LF line ends, and refuses anything it
// cannot frame safely (obs-folded headers, conflicting Content-Length, control characters).
// Internal to lib/mock. May use: core.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evalgate::mock {

inline constexpr std::size_t k_max_head_bytes = 64 * 1024;
inline constexpr std::size_t k_max_body_bytes = 64 * 1024 * 1024;

struct HttpRequest {
  std::string method;
  std::string target; // as sent
  std::string path;   // target without query string (absolute-form reduced to its path)
  int minor_version = 1;
  std::vector<std::pair<std::string, std::string>> headers; // names lower-cased, values trimmed
  std::string body;

  // Framing, derived from the headers by parse_request_head.
  bool has_length = false;
  std::size_t content_length = 0; // SIZE_MAX when the value does not fit
  bool has_transfer_encoding = false;
  bool expect_continue = false;
  bool keep_alive = true;

  // First header with this lower-case name, or nullptr.
  const std::string* header(std::string_view lower_name) const;
};

enum class HeadStatus { incomplete, complete, bad };

struct HeadParse {
  HeadStatus status = HeadStatus::incomplete;
  std::size_t head_bytes = 0; // when complete: bytes consumed, blank line included
  std::string error;          // when bad: what was wrong
};

// Parses the request head at the start of `buffer` into `request` (body untouched). Returns
// incomplete while no blank line has arrived and the buffer is under k_max_head_bytes.
HeadParse parse_request_head(std::string_view buffer, HttpRequest& request);

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers; // extra headers
  std::string body;
  // Streaming answers only: where each SSE event / NDJSON line ends in `body`, so a slow_stream
  // fault can send them one at a time. Empty = one piece.
  std::vector<std::size_t> frame_ends;
};

const char* reason_phrase(int status);

// The full wire form: status line, headers (Content-Length and Connection always), body.
std::string serialize_response(const HttpResponse& response, bool keep_alive);

} // namespace evalgate::mock
