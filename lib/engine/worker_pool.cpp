#include "engine/worker_pool.hpp"

namespace evalgate {

WorkerPool::WorkerPool(std::size_t threads)
{
  if (threads == 0) {
    threads = 1;
  }
  m_threads.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    m_threads.emplace_back([this] { work(); });
  }
}

WorkerPool::~WorkerPool()
{
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  for (auto& thread : m_threads) {
    thread.join();
  }
}

void WorkerPool::post(std::function<void()> job)
{
  {
    std::lock_guard lock(m_mutex);
    m_jobs.push_back(std::move(job));
  }
  m_wake.notify_one();
}

void WorkerPool::wait_idle()
{
  std::unique_lock lock(m_mutex);
  m_idle.wait(lock, [this] { return m_jobs.empty() && m_running == 0; });
}

void WorkerPool::work()
{
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
    if (m_jobs.empty()) {
      return; // stopping and drained
    }
    auto job = std::move(m_jobs.front());
    m_jobs.pop_front();
    ++m_running;
    lock.unlock();
    job();
    lock.lock();
    --m_running;
    if (m_jobs.empty() && m_running == 0) {
      m_idle.notify_all();
    }
  }
}

} // namespace evalgate
