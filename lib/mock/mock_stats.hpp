#pragma once
// mock/mock_stats: the counters behind GET /stats. Counts every request except the monitoring
// routes (/stats, /health), by path and by request model, every response status sent, and every
// injected fault. Distinct paths and models are capped (k_max_keys) so a client sending random
// paths cannot grow memory without bound; the rest count under "(other)".
// Thread-safe. Internal to lib/mock. May use: core.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "mock/mock_server.hpp"

namespace evalgate::mock {

class MockStats {
public:
  explicit MockStats(long latency_ms = 0) : m_latency_ms(static_cast<double>(latency_ms)) {}

  static constexpr std::size_t k_max_keys = 1000;

  void record_request(const std::string& path);
  void record_route(const std::string& route); // "openai.chat", "anthropic.messages", ...
  void record_model(const std::string& model);
  void record_status(int status);
  void record_fault(MockFault fault);
  // One answer of a counted request: `ms` from the request's arrival (its last byte read) to its
  // response (or, for a paced stream, its head) handed to the kernel.
  void record_answer(double ms);

  // {"requests": N, "by_path": {...}, "by_route": {...}, "by_model": {...}, "status": {"200": n, ...},
  //  "faults": {"429": n, ...}, "first_request_ms": t0, "last_status_ms": t1,
  //  "answer_ms": {"count": n, "mean": m, "min": a, "max": b, "late_mean": l, "late_p99": q}}; a key
  //  appears once it has been counted. t0 / t1: milliseconds (fractional) since these stats were
  //  created, when the first counted request arrived and when the last response status was recorded,
  //  so a benchmark can time the request phase of a run from the server's side. answer_ms: the
  //  record_answer times; late_*: how far past the configured latency they were (p99 to 0.1 ms,
  //  capped at k_late_cap_ms), so a benchmark can tell the mock's own delay from the client's.
  std::string json() const;

  static constexpr int k_late_cap_ms = 100;

private:
  double elapsed_ms() const;

  const std::chrono::steady_clock::time_point m_created = std::chrono::steady_clock::now();
  mutable std::mutex m_mutex;
  double m_first_request_ms = -1; // -1: none yet
  double m_last_status_ms = -1;
  std::int64_t m_requests = 0;
  std::map<std::string, std::int64_t> m_by_path;
  std::map<std::string, std::int64_t> m_by_route;
  std::map<std::string, std::int64_t> m_by_model;
  std::map<std::string, std::int64_t> m_status;
  std::map<std::string, std::int64_t> m_faults;
  const double m_latency_ms;
  std::int64_t m_answers = 0;
  double m_answer_sum_ms = 0;
  double m_answer_min_ms = 0;
  double m_answer_max_ms = 0;
  // Answers by lateness in 0.1 ms steps; the last bucket holds k_late_cap_ms and more.
  std::array<std::int64_t, k_late_cap_ms * 10 + 1> m_late_tenths{};
};

} // namespace evalgate::mock
