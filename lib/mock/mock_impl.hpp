#pragma once
// mock/mock_impl: the state behind MockServer, shared by its two halves: mock_server.cpp (the
// listener, one thread per connection, reaping and stop) and mock_dispatch.cpp (what one request
// gets: route, auth, latency, fault, answer).
//
// Threading: `mutex` guards the connection registry and `stopping`. A connection thread removes
// itself from `live` (moving its std::thread to `finished`) before it closes its fd, so stop()
// never shuts down a recycled descriptor. `finished` threads are joined by the accept thread after
// each accept and by stop(), so threads do not accumulate over many connections. Every wait a
// request can make (latency, a held "timeout") is on `stop_cv`, so stop() wakes it at once. The
// latency is waited out by serve_requests after handle() has prepared the answer, until the
// request's arrival + latency.
// Internal to lib/mock. May use: core.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "mock/answers.hpp"
#include "mock/anthropic_routes.hpp"
#include "mock/http_connection.hpp"
#include "mock/http_message.hpp"
#include "mock/mock_fault.hpp"
#include "mock/mock_server.hpp"
#include "mock/mock_stats.hpp"

namespace evalgate {

namespace mock {

enum class Action {
  respond, // send `response`
  hang,    // hold the request for timeout_hang_ms (or until stop), then close without answering
  reset,   // close with RST, no answer
  drop,    // the server is stopping: close without answering
};

struct Outcome {
  Action action = Action::respond;
  HttpResponse response;
  bool counted = true;     // false for the monitoring routes, which /stats does not count
  long frame_delay_ms = 0; // > 0: send response.frame_ends pieces one at a time, this far apart
};

} // namespace mock

struct MockServer::Impl {
  Impl(MockOptions options_in, mock::AnswerBook answers_in);

  // ---- dispatch (mock_dispatch.cpp) ----
  mock::Outcome handle(const mock::HttpRequest& request);

  // ---- lifecycle (mock_server.cpp) ----
  void accept_loop();
  void add_connection(int fd);
  void serve(std::uint64_t id, int fd);
  // Answers requests until the connection ends; true when it must end with a reset.
  bool serve_requests(int fd);
  // Sends a response whose frames are paced by outcome.frame_delay_ms; false when the peer is gone
  // or the server is stopping.
  // Calls head_sent once the head is out (the answer's time in /stats).
  bool send_paced(mock::HttpConnection& connection, const mock::Outcome& outcome, bool keep_alive,
                  const std::function<void()>& head_sent);
  void finish(std::uint64_t id, int fd, bool reset);
  void reap();
  void stop();
  // Sleeps up to `ms` unless stop() is called; true when woken by stop().
  bool wait_or_stop(long ms);
  bool wait_until_or_stop(std::chrono::steady_clock::time_point deadline);
  bool is_stopping();

  const MockOptions options;
  const mock::AnswerBook answers;
  mock::FaultPicker faults;
  mock::MockStats stats;
  mock::PromptCacheLedger prompt_cache;
  std::atomic<std::uint64_t> serial{0};

  int listen_fd = -1;
  int port = 0;
  std::thread accept_thread;

  struct Connection {
    int fd = -1;
    std::thread thread;
  };

  std::mutex stop_mutex; // serialises stop() calls
  std::mutex mutex;
  std::condition_variable stop_cv;
  std::condition_variable connection_done_cv;
  bool started = false;
  bool stopping = false;
  std::uint64_t next_connection = 0;
  std::unordered_map<std::uint64_t, Connection> live;
  std::vector<std::thread> finished;
};

} // namespace evalgate
