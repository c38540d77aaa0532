#pragma once
// mock/http_connection: one accepted socket of the mock server. Reads requests off the wire with
// their Content-Length bodies (buffering any pipelined bytes for the next call), answers
// `Expect: 100-continue`, and writes whole responses with MSG_NOSIGNAL so a vanished client
// never raises SIGPIPE. Blocking; used by exactly one connection thread. Does not own the fd
// (the server closes it, so it can choose a graceful close or a reset).
// Internal to lib/mock. May use: core.

#include <string>
#include <string_view>
#include <vector>

#include "mock/http_message.hpp"

namespace evalgate::mock {

enum class ReadOutcome {
  request,         // a whole request, body included
  closed,          // the peer closed (or the socket was shut down) between requests
  bad_request,     // unparseable head or truncated body: answer 400 and close
  length_required, // POST without Content-Length, or any Transfer-Encoding: answer 411 and close
  too_large,       // body above k_max_body_bytes: answer 413 and close
};

struct ReadResult {
  ReadOutcome outcome = ReadOutcome::closed;
  std::string error; // for bad_request: why
};

class HttpConnection {
public:
  explicit HttpConnection(int fd) : m_fd(fd) {}

  ReadResult read_request(HttpRequest& request);

  // False when the peer is gone; the connection should then be closed.
  bool send_all(std::string_view bytes);

private:
  // Appends what recv returns; false on EOF or error.
  bool fill();

  int m_fd;
  std::string m_buffer;        // received, not yet consumed
  std::vector<char> m_scratch; // recv's target, sized on first use
};

// Turns off Nagle so a response leaves in one segment without waiting for the client's ACK.
void set_no_delay(int fd);

// Makes the next close() send RST instead of FIN: the client sees "connection reset".
void set_reset_on_close(int fd);

} // namespace evalgate::mock
