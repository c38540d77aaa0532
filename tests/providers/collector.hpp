#pragma once
// Collects callback results that arrive on the transport's I/O thread and lets the test wait for
// them with a deadline (a hung transport fails the test instead of hanging it).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace evalgate::testing {

template <typename T> class Collector {
public:
  void add(T value)
  {
    // Notify under the lock: the waiting test may destroy the collector as soon as it wakes.
    std::lock_guard lock(m_mutex);
    m_values.push_back(std::move(value));
    m_changed.notify_all();
  }

  // True when at least `count` values arrived within `timeout`.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10))
  {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, timeout, [&] { return m_values.size() >= count; });
  }

  std::vector<T> values()
  {
    std::lock_guard lock(m_mutex);
    return m_values;
  }

  std::size_t size()
  {
    std::lock_guard lock(m_mutex);
    return m_values.size();
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<T> m_values;
};

} // namespace evalgate::testing
