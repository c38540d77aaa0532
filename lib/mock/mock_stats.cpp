#include "mock/mock_stats.hpp"

#include <algorithm>

#include "core/types.hpp"
#include "mock/mock_fault.hpp"

namespace evalgate::mock {

namespace {

void bump(std::map<std::string, std::int64_t>& counts, const std::string& key)
{
  const auto it = counts.find(key);
  if (it != counts.end()) {
    ++it->second;
  } else if (counts.size() < MockStats::k_max_keys) {
    counts.emplace(key, 1);
  } else {
    ++counts["(other)"];
  }
}

Json to_json(const std::map<std::string, std::int64_t>& counts)
{
  Json out = Json::object();
  for (const auto& [key, count] : counts) {
    out[key] = count;
  }
  return out;
}

} // namespace

double MockStats::elapsed_ms() const
{
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_created).count();
}

void MockStats::record_request(const std::string& path)
{
  const double now = elapsed_ms();
  std::lock_guard lock(m_mutex);
  if (m_first_request_ms < 0) {
    m_first_request_ms = now;
  }
  ++m_requests;
  bump(m_by_path, path);
}

void MockStats::record_route(const std::string& route)
{
  std::lock_guard lock(m_mutex);
  bump(m_by_route, route);
}

void MockStats::record_model(const std::string& model)
{
  std::lock_guard lock(m_mutex);
  bump(m_by_model, model);
}

void MockStats::record_status(int status)
{
  const double now = elapsed_ms();
  std::lock_guard lock(m_mutex);
  m_last_status_ms = std::max(m_last_status_ms, now);
  bump(m_status, std::to_string(status));
}

void MockStats::record_fault(MockFault fault)
{
  std::lock_guard lock(m_mutex);
  bump(m_faults, fault_name(fault));
}

std::string MockStats::json() const
{
  std::lock_guard lock(m_mutex);
  Json out = Json::object();
  out["requests"] = m_requests;
  out["by_path"] = to_json(m_by_path);
  out["by_route"] = to_json(m_by_route);
  out["by_model"] = to_json(m_by_model);
  out["status"] = to_json(m_status);
  out["faults"] = to_json(m_faults);
  if (m_first_request_ms >= 0) {
    out["first_request_ms"] = m_first_request_ms;
  }
  if (m_last_status_ms >= 0) {
    out["last_status_ms"] = m_last_status_ms;
  }
  return out.dump();
}

} // namespace evalgate::mock
