#include "mock/mock_stats.hpp"

#include <algorithm>
#include <cmath>

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

void MockStats::record_answer(double ms)
{
  const double late = std::clamp(ms - m_latency_ms, 0.0, static_cast<double>(k_late_cap_ms));
  const auto bucket = static_cast<std::size_t>(late * 10);
  std::lock_guard lock(m_mutex);
  m_answer_min_ms = m_answers == 0 ? ms : std::min(m_answer_min_ms, ms);
  m_answer_max_ms = std::max(m_answer_max_ms, ms);
  ++m_answers;
  m_answer_sum_ms += ms;
  ++m_late_tenths[std::min(bucket, m_late_tenths.size() - 1)];
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
  if (m_answers > 0) {
    const double mean = m_answer_sum_ms / static_cast<double>(m_answers);
    // The smallest lateness at or below which 99% of the answers were (upper edge of its bucket).
    const auto wanted = static_cast<std::int64_t>(std::ceil(0.99 * static_cast<double>(m_answers)));
    std::int64_t seen = 0;
    std::size_t bucket = 0;
    for (; bucket + 1 < m_late_tenths.size(); ++bucket) {
      seen += m_late_tenths[bucket];
      if (seen >= wanted) {
        break;
      }
    }
    out["answer_ms"] = Json{{"count", m_answers},
                            {"mean", mean},
                            {"min", m_answer_min_ms},
                            {"max", m_answer_max_ms},
                            {"late_mean", std::max(0.0, mean - m_latency_ms)},
                            {"late_p99", static_cast<double>(bucket + 1) / 10}};
  }
  return out.dump();
}

} // namespace evalgate::mock
