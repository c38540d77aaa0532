#pragma once
// mock/mock_stats: the counters behind GET /stats. Counts every request except the monitoring
// routes (/stats, /health), by path and by request model, every response status sent, and every
// injected fault. Distinct paths and models are capped (k_max_keys) so a client sending random
// paths cannot grow memory without bound; the rest count under "(other)".
// Thread-safe. Internal to lib/mock. May use: core.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "mock/mock_server.hpp"

namespace evalgate::mock {

class MockStats {
public:
  static constexpr std::size_t k_max_keys = 1000;

  void record_request(const std::string& path);
  void record_route(const std::string& route); // "openai.chat", "anthropic.messages", ...
  void record_model(const std::string& model);
  void record_status(int status);
  void record_fault(MockFault fault);

  // {"requests": N, "by_path": {...}, "by_route": {...}, "by_model": {...}, "status": {"200": n, ...},
  //  "faults": {"429": n, ...}, "first_request_ms": t0, "last_status_ms": t1}; a key appears once it
  //  has been counted. t0 / t1: milliseconds (fractional) since these stats were created, when the
  //  first counted request arrived and when the last response status was recorded, so a benchmark
  //  can time the request phase of a run from the server's side.
  std::string json() const;

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
};

} // namespace evalgate::mock
