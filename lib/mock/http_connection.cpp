#include "mock/http_connection.hpp"

#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/types.h>

namespace evalgate::mock {

namespace {
constexpr std::size_t k_read_chunk = 64 * 1024;
}

bool HttpConnection::fill()
{
  // Into a scratch buffer allocated once per connection, then appended: growing m_buffer by a
  // whole chunk per read zero-filled 64 KiB for every request, the mock's largest cost.
  if (m_scratch.empty()) {
    m_scratch.resize(k_read_chunk);
  }
  for (;;) {
    const ssize_t got = ::recv(m_fd, m_scratch.data(), m_scratch.size(), 0);
    if (got > 0) {
      m_buffer.append(m_scratch.data(), static_cast<std::size_t>(got));
      return true;
    }
    if (got < 0 && errno == EINTR) {
      continue;
    }
    return false;
  }
}

ReadResult HttpConnection::read_request(HttpRequest& request)
{
  HeadParse head;
  for (;;) {
    head = parse_request_head(m_buffer, request);
    if (head.status != HeadStatus::incomplete) {
      break;
    }
    if (!fill()) {
      // Bytes of an unfinished head mean the client gave up mid-request; nothing to answer.
      return ReadResult{ReadOutcome::closed, {}};
    }
  }
  if (head.status == HeadStatus::bad) {
    return ReadResult{ReadOutcome::bad_request, head.error};
  }
  m_buffer.erase(0, head.head_bytes);

  if (request.has_transfer_encoding) {
    return ReadResult{ReadOutcome::length_required, {}};
  }
  if (!request.has_length) {
    if (request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      return ReadResult{ReadOutcome::length_required, {}};
    }
    return ReadResult{ReadOutcome::request, {}};
  }
  if (request.content_length > k_max_body_bytes) {
    return ReadResult{ReadOutcome::too_large, {}};
  }
  if (request.expect_continue && m_buffer.size() < request.content_length) {
    if (!send_all("HTTP/1.1 100 Continue\r\n\r\n")) {
      return ReadResult{ReadOutcome::closed, {}};
    }
  }
  if (m_buffer.capacity() < request.content_length) {
    m_buffer.reserve(request.content_length + k_read_chunk);
  }
  while (m_buffer.size() < request.content_length) {
    if (!fill()) {
      return ReadResult{ReadOutcome::closed, {}};
    }
  }
  request.body.assign(m_buffer, 0, request.content_length);
  m_buffer.erase(0, request.content_length);
  // A large body leaves a large allocation behind; give it back between requests.
  if (m_buffer.capacity() > 4 * k_read_chunk && m_buffer.size() < k_read_chunk) {
    m_buffer.shrink_to_fit();
  }
  return ReadResult{ReadOutcome::request, {}};
}

bool HttpConnection::send_all(std::string_view bytes)
{
  while (!bytes.empty()) {
    const ssize_t sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

void set_no_delay(int fd)
{
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void set_reset_on_close(int fd)
{
  linger option{};
  option.l_onoff = 1;
  option.l_linger = 0;
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
}

} // namespace evalgate::mock
