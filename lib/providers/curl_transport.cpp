// The curl-multi event loop behind Transport (providers.md §4.1–4.2): one I/O thread owns the
// CURLM and every easy handle; other threads only touch the locked incoming queue and wake the loop.
// The loop drives libcurl with curl_multi_socket_action on an epoll set (the sockets libcurl asks
// for, plus an eventfd for submissions): a readiness event touches only its own transfer, where a
// curl_multi_perform pass walked every handle in flight for each response that arrived.

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

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
constexpr int k_max_events = 256;
// How often transfers with an idle timeout are checked for a stall. libcurl calls the progress
// callback only for transfers it processes, and under socket_action an idle transfer is not
// processed at all, so the loop checks the time since the last byte itself.
constexpr auto k_stall_check_interval = std::chrono::milliseconds(100);

// Earliest due first, then submission order.
bool later(const JobPtr& a, const JobPtr& b)
{
  if (a->due != b->due) {
    return a->due > b->due;
  }
  return a->sequence > b->sequence;
}

// The current turn's deferred actions while a CurlTransport delivers callbacks on this thread.
thread_local std::vector<std::function<void()>>* t_turn_end = nullptr;

// An action run_on_loop_at() scheduled; a heap ordered by `timer_later`.
struct LoopTimer {
  Clock::time_point when;
  std::uint64_t sequence = 0;
  std::function<void()> action;
};

bool timer_later(const LoopTimer& a, const LoopTimer& b)
{
  if (a.when != b.when) {
    return a.when > b.when;
  }
  return a.sequence > b.sequence;
}

// The loop timers of the CurlTransport whose I/O thread this is.
thread_local std::vector<LoopTimer>* t_loop_timers = nullptr;
thread_local std::uint64_t t_loop_timer_sequence = 0;

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
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epoll >= 0 && m_wake_fd >= 0) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.fd = m_wake_fd;
      if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake_fd, &event) == 0) {
        m_multi = curl_multi_init();
      }
    }
    if (m_multi != nullptr) {
      curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, k_max_host_connections);
      curl_multi_setopt(m_multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
      curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, on_socket);
      curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, static_cast<void*>(this));
      curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, on_timer);
      curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, static_cast<void*>(this));
    }
    m_thread = std::thread([this] { run(); });
    // Before any submit(): the loop reads it only for callbacks of jobs submitted after this.
    m_loop_thread = m_thread.get_id();
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
    if (m_wake_fd >= 0) {
      close(m_wake_fd);
    }
    if (m_epoll >= 0) {
      close(m_epoll);
    }
  }

  void submit(HttpRequest request, Callback on_done, long delay_ms) override
  {
    auto job = std::make_unique<CurlJob>();
    job->request = std::move(request);
    job->on_done = std::move(on_done);
    job->due = Clock::now() + std::chrono::milliseconds(std::max(0L, delay_ms));
    // A callback running on the I/O thread (a judge asked from a trial scored there, a retry)
    // needs no wake-up: the loop takes m_incoming again before it sleeps (m_resubmitted).
    const bool on_loop = std::this_thread::get_id() == m_loop_thread;
    bool wake_loop = false;
    {
      std::lock_guard lock(m_mutex);
      job->sequence = ++m_sequence;
      job->generation = m_generation;
      m_incoming.push_back(std::move(job));
      // One wake-up per batch the loop has not taken yet: each is a syscall on the eventfd and an
      // extra turn of the loop, and a burst of submissions needs only the first.
      if (!on_loop) {
        wake_loop = !m_wake_pending;
        m_wake_pending = true;
      }
    }
    if (on_loop) {
      m_resubmitted = true;
    } else if (wake_loop) {
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
    if (m_wake_fd >= 0) {
      const std::uint64_t one = 1;
      // A full counter (never in practice) still leaves the fd readable, which is all we need.
      [[maybe_unused]] const auto written = write(m_wake_fd, &one, sizeof one);
    }
    m_idle.notify_all();
  }

  // libcurl tells us which sockets to watch for what; called only from inside curl calls made on
  // the I/O thread.
  static int on_socket(CURL*, curl_socket_t socket, int what, void* user, void* watched)
  {
    auto& self = *static_cast<CurlTransport*>(user);
    if (what == CURL_POLL_REMOVE) {
      // Fails harmlessly when libcurl already closed the socket (the kernel dropped it then).
      epoll_ctl(self.m_epoll, EPOLL_CTL_DEL, socket, nullptr);
      return 0;
    }
    epoll_event event{};
    event.events =
        ((what & CURL_POLL_IN) != 0 ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) != 0 ? EPOLLOUT : 0u);
    event.data.fd = socket;
    // libcurl hands back what we assigned to a socket until it says REMOVE, so a watched socket
    // needs one MOD and a new one one ADD. The fallback covers a socket number closed and reused
    // without a REMOVE in between.
    const int first = watched != nullptr ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(self.m_epoll, first, socket, &event) != 0) {
      epoll_ctl(self.m_epoll, first == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, socket, &event);
    }
    if (watched == nullptr) {
      curl_multi_assign(self.m_multi, socket, &self);
    }
    return 0;
  }

  // libcurl's single timer: -1 disarms it, 0 means "call socket_action(TIMEOUT) as soon as you can".
  static int on_timer(CURLM*, long timeout_ms, void* user)
  {
    auto& self = *static_cast<CurlTransport*>(user);
    self.m_timer_armed = timeout_ms >= 0;
    if (self.m_timer_armed) {
      self.m_timer_due = Clock::now() + std::chrono::milliseconds(timeout_ms);
    }
    return 0;
  }

  bool drive(curl_socket_t socket, int flags, std::vector<JobPtr>& finished)
  {
    int running = 0;
    const CURLMcode code = curl_multi_socket_action(m_multi, socket, flags, &running);
    if (code != CURLM_OK && code != CURLM_BAD_SOCKET) {
      fail_in_flight("curl multi handle failed; transfer state unknown", finished);
      return false;
    }
    return true;
  }

  void drive_transfers(std::vector<JobPtr>& finished)
  {
    for (int i = 0; i < m_ready_count; ++i) {
      const epoll_event& event = m_ready[static_cast<std::size_t>(i)];
      if (event.data.fd == m_wake_fd) {
        continue; // drained right after the wait
      }
      int flags = 0;
      if ((event.events & EPOLLIN) != 0) {
        flags |= CURL_CSELECT_IN;
      }
      if ((event.events & EPOLLOUT) != 0) {
        flags |= CURL_CSELECT_OUT;
      }
      if ((event.events & (EPOLLERR | EPOLLHUP)) != 0) {
        flags |= CURL_CSELECT_ERR;
      }
      if (!drive(event.data.fd, flags, finished)) {
        break;
      }
    }
    m_ready_count = 0;
    // Transfers just added arm a 0 ms timer; timeouts and retries inside libcurl arm later ones.
    if (m_timer_armed && Clock::now() >= m_timer_due) {
      m_timer_armed = false;
      drive(CURL_SOCKET_TIMEOUT, 0, finished);
    }
    read_completions(finished);
    check_stalls(finished);
  }

  // Transfers with an idle timeout whose last byte is older than it fail as stalled, the same
  // outcome as the progress callback aborting them.
  void check_stalls(std::vector<JobPtr>& finished)
  {
    const auto now = Clock::now();
    if (now < m_next_stall_check) {
      return;
    }
    m_next_stall_check = now + k_stall_check_interval;
    for (auto it = m_in_flight.begin(); it != m_in_flight.end();) {
      CurlJob& job = *it->second;
      if (job.request.idle_timeout_ms <= 0 ||
          now - job.last_byte <= std::chrono::milliseconds(job.request.idle_timeout_ms)) {
        ++it;
        continue;
      }
      JobPtr stalled = std::move(it->second);
      it = m_in_flight.erase(it);
      stalled->stalled = true;
      collect_response(*stalled, CURLE_ABORTED_BY_CALLBACK);
      curl_multi_remove_handle(m_multi, stalled->easy);
      return_handle(stalled->easy);
      stalled->easy = nullptr;
      finished.push_back(std::move(stalled));
    }
  }

  void run()
  {
    t_loop_timers = &m_loop_timers;
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
      if (m_multi != nullptr) {
        drive_transfers(finished);
      }
      t_turn_end = &m_turn_end;
      for (auto& job : finished) {
        deliver(*job);
      }
      finished.clear();
      run_loop_timers(stopping);
      run_turn_end();
      if (stopping) {
        // Callbacks may have submitted more work; cancel that too before leaving.
        std::lock_guard lock(m_mutex);
        if (m_incoming.empty() && m_loop_timers.empty()) {
          break;
        }
        continue;
      }
      wait_for_activity();
    }
  }

  // Loop timers that are due (all of them when stopping), in due order. Those they schedule wait
  // for a later turn, so a timer that keeps rescheduling itself cannot hold the loop.
  void run_loop_timers(bool all)
  {
    if (m_loop_timers.empty()) {
      return;
    }
    const auto now = Clock::now();
    std::vector<LoopTimer> due;
    while (!m_loop_timers.empty() && (all || m_loop_timers.front().when <= now)) {
      std::pop_heap(m_loop_timers.begin(), m_loop_timers.end(), timer_later);
      due.push_back(std::move(m_loop_timers.back()));
      m_loop_timers.pop_back();
    }
    for (auto& timer : due) {
      try {
        timer.action();
      } catch (...) {
        // Contained like a callback's exception (deliver).
      }
    }
  }

  // Actions deferred by this turn's callbacks. Those run outside any turn: one that defers again
  // acts at once.
  void run_turn_end()
  {
    t_turn_end = nullptr;
    std::vector<std::function<void()>> actions;
    actions.swap(m_turn_end);
    for (auto& action : actions) {
      try {
        action();
      } catch (...) {
        // Contained like a callback's exception (deliver): the other actions still run.
      }
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
      const auto until =
          std::chrono::duration_cast<std::chrono::milliseconds>(m_timers.front()->due - Clock::now());
      // Round up so we never wake a hair early and spin.
      timeout_ms = std::clamp(static_cast<long>(until.count()) + 1, 0L, k_max_poll_ms);
    }
    if (m_multi != nullptr) {
      const auto now = Clock::now();
      if (m_timer_armed) {
        timeout_ms = std::min(timeout_ms, ceil_ms(m_timer_due - now));
      }
      if (!m_in_flight.empty()) {
        timeout_ms = std::min(timeout_ms, ceil_ms(m_next_stall_check - now));
      }
      Clock::duration wait = std::chrono::milliseconds(timeout_ms);
      if (!m_loop_timers.empty()) {
        // Exact, not rounded up to a millisecond: a loop timer may be on a trial's critical path
        // (the embedding batcher's 1 ms window).
        wait = std::clamp<Clock::duration>(m_loop_timers.front().when - now, Clock::duration::zero(), wait);
      }
      if (m_resubmitted) {
        // Callbacks of this turn submitted work: look at the sockets without sleeping, then start it.
        m_resubmitted = false;
        wait = Clock::duration::zero();
      }
      m_ready_count = wait_events(wait);
      m_ready_count = std::max(m_ready_count, 0); // EINTR: just go round again
      // Drained before the loop takes m_incoming, never after: a submission that comes between the
      // take and a later drain would have its wake-up swallowed and wait for the next timeout.
      for (int i = 0; i < m_ready_count; ++i) {
        if (m_ready[static_cast<std::size_t>(i)].data.fd == m_wake_fd) {
          std::uint64_t count = 0;
          [[maybe_unused]] const auto got = read(m_wake_fd, &count, sizeof count);
        }
      }
      return;
    }
    // Without a multi handle every job fails at once; just wait for submissions.
    m_resubmitted = false;
    if (!m_loop_timers.empty()) {
      timeout_ms = std::min(timeout_ms, ceil_ms(m_loop_timers.front().when - Clock::now()));
    }
    std::unique_lock lock(m_mutex);
    m_idle.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                    [this] { return !m_incoming.empty() || m_stopping; });
  }

  // epoll_pwait2 (Linux 5.11) waits to the nanosecond; where it is missing, epoll_wait's
  // milliseconds, rounded up.
  int wait_events(Clock::duration wait)
  {
    if (m_pwait2) {
      const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
      const timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
      const int ready = epoll_pwait2(m_epoll, m_ready.data(), k_max_events, &timeout, nullptr);
      if (ready >= 0 || errno != ENOSYS) {
        return ready;
      }
      m_pwait2 = false;
    }
    return epoll_wait(m_epoll, m_ready.data(), k_max_events, static_cast<int>(ceil_ms(wait)));
  }

  // Rounded up so we never wake a hair early and spin.
  static long ceil_ms(Clock::duration until)
  {
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until).count();
    return std::clamp(static_cast<long>(ms), 0L, k_max_poll_ms);
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
  int m_epoll = -1;
  int m_wake_fd = -1;
  CURLM* m_multi = nullptr; // null when the multi handle, the epoll set or the eventfd failed
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
  std::thread::id m_loop_thread; // the I/O thread; set by the constructor, read by submit()
  bool m_resubmitted = false;    // a callback on the I/O thread submitted since the last wait
  std::uint64_t m_seen_generation = 0;
  std::vector<JobPtr> m_timers; // a heap ordered by `later`
  std::unordered_map<CURL*, JobPtr> m_in_flight;
  std::vector<CURL*> m_pool;
  bool m_timer_armed = false;
  Clock::time_point m_timer_due;
  Clock::time_point m_next_stall_check;
  std::vector<std::function<void()>> m_turn_end;
  std::vector<LoopTimer> m_loop_timers; // a heap ordered by `timer_later`
  bool m_pwait2 = true;                 // until the kernel says ENOSYS
  std::array<epoll_event, k_max_events> m_ready{};
  int m_ready_count = 0;
};

} // namespace

bool defer_to_turn_end(std::function<void()> action)
{
  if (t_turn_end == nullptr) {
    return false;
  }
  t_turn_end->push_back(std::move(action));
  return true;
}

bool run_on_loop_at(Clock::time_point when, std::function<void()> action)
{
  if (t_loop_timers == nullptr) {
    return false;
  }
  t_loop_timers->push_back(LoopTimer{when, ++t_loop_timer_sequence, std::move(action)});
  std::push_heap(t_loop_timers->begin(), t_loop_timers->end(), timer_later);
  return true;
}

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
