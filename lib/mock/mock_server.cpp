// The server's lifecycle: bind and listen at create(), an accept thread from start(), one thread
// per connection (keep-alive), reaping of finished connection threads, and a prompt stop().
// Why threads and blocking sockets rather than an event loop: a mock answers instantly or sleeps
// on purpose (latency, held timeouts); a thread per connection keeps those sleeps trivial and
// a few hundred concurrent clients cheap.

#include "mock/mock_server.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <system_error>

#include "mock/http_connection.hpp"
#include "mock/mock_impl.hpp"
#include "mock/openai_routes.hpp"

namespace evalgate {

using mock::Action;
using mock::HttpConnection;
using mock::HttpRequest;
using mock::HttpResponse;
using mock::ReadOutcome;

namespace {

constexpr int k_listen_backlog = 1024;
constexpr long k_accept_retry_ms = 10;

HttpResponse protocol_error(const mock::ReadResult& read)
{
  switch (read.outcome) {
  case ReadOutcome::length_required:
    return mock::error_response(
      411, "Send the request body with a Content-Length header (chunked bodies are not supported).",
      "invalid_request_error", "length_required");
  case ReadOutcome::too_large:
    return mock::error_response(413, "Request body larger than 64 MiB.", "invalid_request_error",
                                "payload_too_large");
  default:
    return mock::error_response(400, "Malformed HTTP request: " + read.error + ".", "invalid_request_error",
                                "bad_request");
  }
}

// Closes after an error answer without losing it: closing with unread request bytes pending
// would send RST and could destroy the response before the client reads it.
void close_after_error(int fd)
{
  ::shutdown(fd, SHUT_WR);
  timeval timeout{0, 200 * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  char scratch[16 * 1024];
  for (int reads = 0; reads < 64; ++reads) {
    if (::recv(fd, scratch, sizeof(scratch), 0) <= 0) {
      break;
    }
  }
}

Result<void> check_options(const MockOptions& options)
{
  auto usage = [](const std::string& message) { return fail(ErrorCategory::usage, message); };
  if (options.port < 0 || options.port > 65535) {
    return usage("port " + std::to_string(options.port) + " is out of range (expected 0-65535; 0 picks a free port)");
  }
  if (options.latency_ms < 0) {
    return usage("latency must be >= 0 ms");
  }
  if (options.slow_stream_ms < 0) {
    return usage("slow stream pause must be >= 0 ms");
  }
  if (options.timeout_hang_ms < 0) {
    return usage("timeout hang must be >= 0 ms");
  }
  if (options.embedding_dims < 1 || options.embedding_dims > 8192) {
    return usage("embedding dimensions must be from 1 to 8192");
  }
  for (const MockFaultRate& rate : options.faults) {
    if (!(rate.probability >= 0.0 && rate.probability <= 1.0)) {
      return usage(std::string("fault ") + mock::fault_name(rate.fault) + " probability must be in [0,1]");
    }
  }
  return {};
}

Result<int> open_listener(int port, int& bound_port)
{
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return fail(ErrorCategory::usage, std::string("cannot create a socket: ") + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(fd, k_listen_backlog) != 0) {
    const int error = errno;
    ::close(fd);
    return fail(ErrorCategory::usage,
                "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(error));
  }
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  bound_port = ntohs(address.sin_port);
  return fd;
}

} // namespace

MockServer::Impl::Impl(MockOptions options_in, mock::AnswerBook answers_in)
  : options(std::move(options_in)), answers(std::move(answers_in)), faults(options.faults, options.seed),
    stats(options.latency_ms)
{
}

bool MockServer::Impl::wait_or_stop(long ms)
{
  return wait_until_or_stop(std::chrono::steady_clock::now() + std::chrono::milliseconds(ms));
}

bool MockServer::Impl::wait_until_or_stop(std::chrono::steady_clock::time_point deadline)
{
  std::unique_lock lock(mutex);
  return stop_cv.wait_until(lock, deadline, [this] { return stopping; });
}

bool MockServer::Impl::is_stopping()
{
  std::lock_guard lock(mutex);
  return stopping;
}

void MockServer::Impl::accept_loop()
{
  for (;;) {
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      const int error = errno;
      if (is_stopping()) {
        return;
      }
      if (error == EINTR || error == ECONNABORTED) {
        continue;
      }
      // Out of descriptors or memory: let finished connections go, then try again.
      reap();
      if (wait_or_stop(k_accept_retry_ms)) {
        return;
      }
      continue;
    }
    mock::set_no_delay(fd);
    add_connection(fd);
    reap();
  }
}

void MockServer::Impl::add_connection(int fd)
{
  std::lock_guard lock(mutex);
  if (stopping) {
    ::close(fd);
    return;
  }
  const std::uint64_t id = next_connection++;
  Connection& connection = live[id];
  connection.fd = fd;
  try {
    // Created under the lock, so the thread cannot finish (and look itself up) before it is stored.
    connection.thread = std::thread([this, id, fd] { serve(id, fd); });
  } catch (const std::system_error&) {
    live.erase(id);
    ::close(fd);
  }
}

void MockServer::Impl::serve(std::uint64_t id, int fd)
{
  bool reset = false;
  try {
    reset = serve_requests(fd);
  } catch (const std::exception&) {
    // Out of memory for a huge body, most likely: drop this connection, keep the server.
  }
  finish(id, fd, reset);
}

bool MockServer::Impl::serve_requests(int fd)
{
  HttpConnection connection(fd);
  for (;;) {
    HttpRequest request;
    const mock::ReadResult read = connection.read_request(request);
    if (read.outcome == ReadOutcome::closed) {
      break;
    }
    if (read.outcome != ReadOutcome::request) {
      const HttpResponse response = protocol_error(read);
      stats.record_status(response.status);
      if (connection.send_all(mock::serialize_response(response, false))) {
        close_after_error(fd);
      }
      break;
    }
    // The latency counts from here, the request's arrival: the answer is prepared meanwhile and
    // leaves at arrival + latency, so its own work does not add to the delay a client sees.
    const auto arrival = std::chrono::steady_clock::now();
    mock::Outcome outcome;
    try {
      outcome = handle(request);
    } catch (const std::exception& e) {
      outcome = mock::Outcome{Action::respond,
                              mock::error_response(500, std::string("mock provider error: ") + e.what(),
                                                   "server_error", "internal_error"),
                              true};
    }
    // Every counted request waits, whatever its answer (faults, 404s and resets included); the
    // monitoring routes do not.
    if (outcome.counted && options.latency_ms > 0 &&
        wait_until_or_stop(arrival + std::chrono::milliseconds(options.latency_ms))) {
      break;
    }
    if (outcome.action == Action::drop) {
      break;
    }
    if (outcome.action == Action::reset) {
      return true;
    }
    if (outcome.action == Action::hang) {
      wait_or_stop(options.timeout_hang_ms);
      break;
    }
    const bool keep_alive = request.keep_alive && !is_stopping();
    if (outcome.counted) {
      stats.record_status(outcome.response.status);
    }
    const auto answered = [&] {
      if (outcome.counted) {
        stats.record_answer(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - arrival).count());
      }
    };
    if (outcome.frame_delay_ms > 0) {
      if (!send_paced(connection, outcome, keep_alive, answered) || !keep_alive) {
        break;
      }
    } else {
      const bool sent = connection.send_all(mock::serialize_response(outcome.response, keep_alive));
      answered();
      if (!sent || !keep_alive) {
        break;
      }
    }
  }
  return false;
}

bool MockServer::Impl::send_paced(HttpConnection& connection, const mock::Outcome& outcome, bool keep_alive,
                                  const std::function<void()>& head_sent)
{
  // The head (with the whole body's Content-Length) goes at once; each frame after a pause, so a
  // client sees its first token late and the rest trickle in, as from a slow model.
  const std::string wire = mock::serialize_response(outcome.response, keep_alive);
  const std::string& body = outcome.response.body;
  std::size_t sent = wire.size() - body.size();
  if (!connection.send_all(std::string_view(wire).substr(0, sent))) {
    return false;
  }
  head_sent();
  std::vector<std::size_t> ends = outcome.response.frame_ends;
  if (ends.empty() || ends.back() != body.size()) {
    ends.push_back(body.size());
  }
  std::size_t from = 0;
  for (const std::size_t end : ends) {
    if (wait_or_stop(outcome.frame_delay_ms)) {
      return false;
    }
    if (!connection.send_all(std::string_view(body).substr(from, end - from))) {
      return false;
    }
    from = end;
  }
  return true;
}

void MockServer::Impl::finish(std::uint64_t id, int fd, bool reset)
{
  {
    std::lock_guard lock(mutex);
    const auto it = live.find(id);
    finished.push_back(std::move(it->second.thread));
    live.erase(it);
  }
  if (reset) {
    mock::set_reset_on_close(fd);
  }
  ::close(fd);
  connection_done_cv.notify_all();
}

void MockServer::Impl::reap()
{
  std::vector<std::thread> done;
  {
    std::lock_guard lock(mutex);
    done.swap(finished);
  }
  for (std::thread& thread : done) {
    thread.join();
  }
}

void MockServer::Impl::stop()
{
  std::lock_guard stop_lock(stop_mutex);
  {
    std::lock_guard lock(mutex);
    stopping = true;
    for (const auto& [id, connection] : live) {
      ::shutdown(connection.fd, SHUT_RDWR); // wakes recv/send in the connection thread
    }
  }
  stop_cv.notify_all();
  if (listen_fd >= 0) {
    ::shutdown(listen_fd, SHUT_RDWR); // wakes accept()
  }
  if (accept_thread.joinable()) {
    accept_thread.join();
  }
  if (listen_fd >= 0) {
    ::close(listen_fd);
    listen_fd = -1;
  }
  {
    std::unique_lock lock(mutex);
    connection_done_cv.wait(lock, [this] { return live.empty(); });
  }
  reap();
}

// ---- MockServer ----------------------------------------------------------------------------

MockServer::MockServer() = default;

MockServer::~MockServer()
{
  if (m_impl) {
    m_impl->stop();
  }
}

Result<std::unique_ptr<MockServer>> MockServer::create(const MockOptions& options)
{
  if (auto checked = check_options(options); !checked) {
    return fail(checked.error());
  }
  mock::AnswerBook answers;
  if (!options.answers_file.empty()) {
    auto loaded = mock::AnswerBook::load(options.answers_file);
    if (!loaded) {
      return fail(loaded.error());
    }
    answers = std::move(*loaded);
  }
  int bound_port = 0;
  auto listener = open_listener(options.port, bound_port);
  if (!listener) {
    return fail(listener.error());
  }
  std::unique_ptr<MockServer> server(new MockServer());
  server->m_impl = std::make_unique<Impl>(options, std::move(answers));
  server->m_impl->listen_fd = *listener;
  server->m_impl->port = bound_port;
  return server;
}

int MockServer::port() const { return m_impl->port; }

void MockServer::start()
{
  std::lock_guard lock(m_impl->mutex);
  if (m_impl->started || m_impl->stopping) {
    return;
  }
  m_impl->started = true;
  m_impl->accept_thread = std::thread([impl = m_impl.get()] { impl->accept_loop(); });
}

void MockServer::stop() { m_impl->stop(); }

std::string MockServer::stats_json() const { return m_impl->stats.json(); }

} // namespace evalgate
