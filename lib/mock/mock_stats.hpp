#pragma once
// mock/mock_stats: the counters behind GET /stats. Counts every request except the monitoring
// routes (/stats, /health), by path and by request model, every response status sent, and every
// injected fault. Distinct paths and models are capped (k_max_keys) so a client sending random
// paths cannot grow memory without bound; the rest count under "(other)".
// Thread-safe. Internal to lib/mock. May use: core.

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
  //  "faults": {"429": n, ...}}; a key appears once it has been counted.
  std::string json() const;

private:
  mutable std::mutex m_mutex;
  std::int64_t m_requests = 0;
  std::map<std::string, std::int64_t> m_by_path;
  std::map<std::string, std::int64_t> m_by_route;
  std::map<std::string, std::int64_t> m_by_model;
  std::map<std::string, std::int64_t> m_status;
  std::map<std::string, std::int64_t> m_faults;
};

} // namespace evalgate::mock
