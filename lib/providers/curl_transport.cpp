// The curl-multi event loop behind Transport (providers.md §4.1–4.2): one I/O thread owns the
// CURLM and every easy handle; other threads only touch the locked incoming queue and wake the loop.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <curl/curl.h>

#include "providers/curl_job.hpp"
#include "providers/transport.hpp"

namespace evalgate {

namespace {

using Clock = std::chrono::steady_clock;
using JobPtr = std::unique_ptr<CurlJob>;

constexpr long k_max_poll_ms = 1000;
// As many as trials a run keeps in flight (256 in the benchmark): a smaller pool destroyed and
// re-created most handles on every wave.
constexpr std::size_t k_max_pooled_handles = 1024;
constexpr long k_max_host_connections = 1024; // safety net only: admission control is the caller's

// Earliest due first, then submission order.
bool later(const JobPtr& a, const JobPtr& b)
{
  if (a->due != b->due) {
    return a->due > b->due;
  }
  return a->sequence > b->sequence;
}

void deliver(CurlJob& job)
{
  auto callback = std::move(job.on_done);
  if (!callback) {
    return;
  }
  try {
    callback(std::move(job.response));
  } catch (...) {
    // Callbacks must not throw (transport.hpp). If one does, the other transfers still complete;
    // there is no caller left on this thread to report it to.
  }
}

class CurlTransport final : public Transport {
public:
  explicit CurlTransport(TransportOptions options) : m_options(std::move(options))
  {
    m_multi = curl_multi_init();
    if (m_multi != nullptr) {
      curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, k_max_host_connections);
      curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
    }
    m_thread = std::thread([this] { run(); });
  }

  ~CurlTransport() override
  {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
      ++m_generation;
    }
    wake();
    m_thread.join();
    for (CURL* easy : m_pool) {
      curl_easy_cleanup(easy);
    }
    if (m_multi != nullptr) {
      curl_multi_cleanup(m_multi);
    }
  }

  void submit(HttpRequest request, Callback on_done, long delay_ms) override
  {
    auto job = std::make_unique<CurlJob>();
    job->request = std::move(request);
    job->on_done = std::move(on_done);
    job->due = Clock::now() + std::chrono::milliseconds(std::max(0L, delay_ms));
    bool wake_loop = false;
    {
      std::lock_guard lock(m_mutex);
      job->sequence = ++m_sequence;
      job->generation = m_generation;
      m_incoming.push_back(std::move(job));
      // One wake-up per batch the loop has not taken yet: each is a syscall on the socketpair
      // and an extra turn of the loop, and a burst of submissions needs only the first.
      wake_loop = !m_wake_pending;
      m_wake_pending = true;
    }
    if (wake_loop) {
      wake();
    }
  }

  void cancel_all() override
  {
    {
      std::lock_guard lock(m_mutex);
      ++m_generation;
      m_cancellations.store(m_generation);
    }
    wake();
  }

  std::uint64_t cancellations() const override { return m_cancellations.load(); }

private:
  void wake()
  {
    if (m_multi != nullptr) {
      curl_multi_wakeup(m_multi);
    }
    m_idle.notify_all();
  }

  void run()
  {
    std::vector<JobPtr> finished;
    while (true) {
      std::vector<JobPtr> incoming;
      std::uint64_t generation = 0;
      bool stopping = false;
      {
        std::lock_guard lock(m_mutex);
        incoming.swap(m_incoming);
        m_wake_pending = false; // a submission from here on wakes the loop again
        generation = m_generation;
        stopping = m_stopping;
      }
      for (auto& job : incoming) {
        schedule(std::move(job), generation, finished);
      }
      if (stopping || generation != m_seen_generation) {
        cancel_older_than(stopping ? generation + 1 : generation, finished);
        m_seen_generation = generation;
      }
      admit_due(finished);
      if (m_multi != nullptr && !m_in_flight.empty()) {
        int running = 0;
        if (curl_multi_perform(m_multi, &running) != CURLM_OK) {
          fail_in_flight("curl multi handle failed; transfer state unknown", finished);
        }
        read_completions(finished);
      }
      for (auto& job : finished) {
        deliver(*job);
      }
      finished.clear();
      if (stopping) {
        // Callbacks may have submitted more work; cancel that too before leaving.
        std::lock_guard lock(m_mutex);
        if (m_incoming.empty()) {
          break;
        }
        continue;
      }
      wait_for_activity();
    }
  }

  void schedule(JobPtr job, std::uint64_t generation, std::vector<JobPtr>& finished)
  {
    if (m_multi == nullptr) {
      job->response.transport_error = "cannot create the curl multi handle (out of memory)";
      job->response.transport_permanent = true;
      finished.push_back(std::move(job));
      return;
    }
    if (job->generation < generation) {
      complete_cancelled(std::move(job), finished);
      return;
    }
    m_timers.push_back(std::move(job));
    std::push_heap(m_timers.begin(), m_timers.end(), later);
  }

  void admit_due(std::vector<JobPtr>& finished)
  {
    const auto now = Clock::now();
    while (!m_timers.empty() && m_timers.front()->due <= now) {
      std::pop_heap(m_timers.begin(), m_timers.end(), later);
      JobPtr job = std::move(m_timers.back());
      m_timers.pop_back();
      start(std::move(job), finished);
    }
  }

  void start(JobPtr job, std::vector<JobPtr>& finished)
  {
    job->easy = take_handle();
    if (job->easy == nullptr) {
      job->response.transport_error = "cannot create a curl handle (out of memory)";
      finished.push_back(std::move(job));
      return;
    }
    std::string problem = configure_easy(*job, m_options.connect_timeout_ms, m_options.ca_bundle);
    if (problem.empty() && curl_multi_add_handle(m_multi, job->easy) != CURLM_OK) {
      problem = "cannot add the transfer to the curl multi handle";
    }
    if (!problem.empty()) {
      release_headers(*job);
      return_handle(job->easy);
      job->easy = nullptr;
      job->response = HttpResponse{};
      job->response.transport_error = std::move(problem);
      job->response.transport_permanent = true;
      finished.push_back(std::move(job));
      return;
    }
    CURL* easy = job->easy;
    m_in_flight.emplace(easy, std::move(job));
  }

  void read_completions(std::vector<JobPtr>& finished)
  {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(m_multi, &left)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      // The message is invalid once the handle is removed: copy what we need first.
      CURL* easy = message->easy_handle;
      const CURLcode result = message->data.result;
      const auto it = m_in_flight.find(easy);
      if (it == m_in_flight.end()) {
        continue;
      }
      JobPtr job = std::move(it->second);
      m_in_flight.erase(it);
      collect_response(*job, result);
      curl_multi_remove_handle(m_multi, easy);
      return_handle(easy);
      job->easy = nullptr;
      finished.push_back(std::move(job));
    }
  }

  void cancel_older_than(std::uint64_t generation, std::vector<JobPtr>& finished)
  {
    std::vector<JobPtr> keep;
    for (auto& job : m_timers) {
      if (job->generation < generation) {
        complete_cancelled(std::move(job), finished);
      } else {
        keep.push_back(std::move(job));
      }
    }
    m_timers.swap(keep);
    std::make_heap(m_timers.begin(), m_timers.end(), later);
    for (auto it = m_in_flight.begin(); it != m_in_flight.end();) {
      if (it->second->generation < generation) {
        JobPtr job = std::move(it->second);
        it = m_in_flight.erase(it);
        abort_transfer(*job);
        complete_cancelled(std::move(job), finished);
      } else {
        ++it;
      }
    }
  }

  void fail_in_flight(const char* reason, std::vector<JobPtr>& finished)
  {
    for (auto& [easy, job] : m_in_flight) {
      abort_transfer(*job);
      job->response = HttpResponse{};
      job->response.transport_error = reason;
      finished.push_back(std::move(job));
    }
    m_in_flight.clear();
  }

  void abort_transfer(CurlJob& job)
  {
    curl_multi_remove_handle(m_multi, job.easy);
    release_headers(job);
    return_handle(job.easy);
    job.easy = nullptr;
  }

  static void complete_cancelled(JobPtr job, std::vector<JobPtr>& finished)
  {
    job->response = HttpResponse{};
    job->response.transport_error = "cancelled";
    job->response.cancelled = true;
    finished.push_back(std::move(job));
  }

  void wait_for_activity()
  {
    long timeout_ms = k_max_poll_ms;
    if (!m_timers.empty()) {
      const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(m_timers.front()->due - Clock::now());
      // Round up so we never wake a hair early and spin.
      timeout_ms = std::clamp(static_cast<long>(until.count()) + 1, 0L, k_max_poll_ms);
    }
    if (m_multi != nullptr) {
      curl_multi_poll(m_multi, nullptr, 0, static_cast<int>(timeout_ms), nullptr);
      return;
    }
    // Without a multi handle every job fails at once; just wait for submissions.
    std::unique_lock lock(m_mutex);
    m_idle.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                    [this] { return !m_incoming.empty() || m_stopping; });
  }

  CURL* take_handle()
  {
    if (!m_pool.empty()) {
      CURL* easy = m_pool.back();
      m_pool.pop_back();
      return easy;
    }
    return curl_easy_init();
  }

  // Reset handles are kept so their DNS/TLS state and connection affinity stay warm.
  void return_handle(CURL* easy)
  {
    if (easy == nullptr) {
      return;
    }
    curl_easy_reset(easy);
    if (m_pool.size() < k_max_pooled_handles) {
      m_pool.push_back(easy);
    } else {
      curl_easy_cleanup(easy);
    }
  }

  TransportOptions m_options;
  CURLM* m_multi = nullptr;
  std::thread m_thread;

  // Shared with submitting threads, guarded by m_mutex.
  std::mutex m_mutex;
  std::condition_variable m_idle;
  std::vector<JobPtr> m_incoming;
  std::uint64_t m_sequence = 0;
  std::uint64_t m_generation = 0;
  bool m_stopping = false;
  bool m_wake_pending = false; // a submission woke the loop, which has not taken m_incoming since
  std::atomic<std::uint64_t> m_cancellations{0};

  // Owned by the I/O thread.
  std::uint64_t m_seen_generation = 0;
  std::vector<JobPtr> m_timers; // a heap ordered by `later`
  std::unordered_map<CURL*, JobPtr> m_in_flight;
  std::vector<CURL*> m_pool;
};

} // namespace

std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options)
{
  static std::once_flag k_global_init;
  std::call_once(k_global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  TransportOptions effective = options;
  if (effective.ca_bundle.empty()) {
    if (const char* bundle = std::getenv("EVALGATE_CA_BUNDLE"); bundle != nullptr) {
      effective.ca_bundle = bundle;
    }
  }
  return std::make_unique<CurlTransport>(std::move(effective));
}

} // namespace evalgate
