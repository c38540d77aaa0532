#include "providers/flow_control.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <map>
#include <string>
#include <string_view>
#include <thread>

#include "providers/retry_policy.hpp"

namespace evalgate {

namespace {

// While attempts wait, the gate looks again at least this often, so a cancel_all() (Ctrl-C) drops a
// queue held by a long pause within a fraction of a second.
constexpr auto k_max_wake = std::chrono::milliseconds(200);

// One process-wide thread that wakes gates when their pause or bucket wait ends. It holds only
// weak references: a gate that is gone is simply not woken.
class WakeTimer {
public:
  static WakeTimer& instance()
  {
    static WakeTimer timer;
    return timer;
  }

  void wake_at(FlowClock::time_point when, std::weak_ptr<FlowGate> gate)
  {
    {
      std::lock_guard lock(m_mutex);
      m_due.emplace(when, std::move(gate));
    }
    m_changed.notify_one();
  }

  ~WakeTimer()
  {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_changed.notify_one();
    m_thread.join();
  }

private:
  WakeTimer() : m_thread([this] { run(); }) {}

  void run()
  {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
      if (m_due.empty()) {
        m_changed.wait(lock);
        continue;
      }
      const auto when = m_due.begin()->first;
      if (FlowClock::now() < when) {
        m_changed.wait_until(lock, when);
        continue;
      }
      auto gate = m_due.begin()->second.lock();
      m_due.erase(m_due.begin());
      lock.unlock();
      if (gate) {
        gate->pump();
      }
      gate.reset();
      lock.lock();
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::multimap<FlowClock::time_point, std::weak_ptr<FlowGate>> m_due;
  bool m_stopping = false;
  std::thread m_thread; // last: started once the members above exist
};

// The headers that say a limit is used up (remaining <= 0) and when it resets: OpenAI's reset is a
// duration ("6m0s"), Anthropic's an RFC 3339 time. Names as literals: building them per response
// was 18 allocations on every request.
struct LimitHeaders {
  std::string_view remaining;
  std::string_view reset;
};
constexpr LimitHeaders k_openai_limit_headers[] = {
    {"x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"},
    {"x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"},
};
constexpr LimitHeaders k_anthropic_limit_headers[] = {
    {"anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset"},
    {"anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset"},
    {"anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset"},
    {"anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset"},
};

std::optional<double> header_number(const HttpResponse& response, std::string_view name)
{
  const auto* value = response.header(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  try {
    std::size_t used = 0;
    const double number = std::stod(*value, &used);
    return used == value->size() ? std::optional<double>(number) : std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
}

} // namespace

TokenBucket::TokenBucket(double per_minute, double burst, FlowClock::time_point now)
    : m_per_ms(std::max(0.0, per_minute) / 60000.0), m_burst(std::max(1.0, burst)), m_level(m_burst),
      m_at(now)
{
}

void TokenBucket::refill(FlowClock::time_point now)
{
  if (now <= m_at) {
    return;
  }
  const double elapsed = std::chrono::duration<double, std::milli>(now - m_at).count();
  m_level = std::min(m_burst, m_level + elapsed * m_per_ms);
  m_at = now;
}

double TokenBucket::wait_ms(FlowClock::time_point now, double need)
{
  if (!limited()) {
    return 0;
  }
  refill(now);
  need = std::min(need, m_burst);
  return m_level >= need ? 0.0 : (need - m_level) / m_per_ms;
}

void TokenBucket::take(FlowClock::time_point now, double amount)
{
  if (!limited()) {
    return;
  }
  refill(now);
  m_level -= amount;
}

double TokenBucket::level(FlowClock::time_point now)
{
  refill(now);
  return m_level;
}

std::optional<double> exhausted_limit_wait_ms(const HttpResponse& response,
                                              std::chrono::system_clock::time_point now)
{
  std::optional<double> wait;
  auto consider = [&wait](std::optional<double> ms) {
    if (ms && *ms > 0) {
      wait = std::max(wait.value_or(0.0), *ms);
    }
  };
  for (const auto& [remaining_name, reset_name] : k_openai_limit_headers) {
    if (const auto remaining = header_number(response, remaining_name); remaining && *remaining <= 0) {
      if (const auto* reset = response.header(reset_name)) {
        consider(parse_duration_ms(*reset));
      }
    }
  }
  for (const auto& [remaining_name, reset_name] : k_anthropic_limit_headers) {
    if (const auto remaining = header_number(response, remaining_name); remaining && *remaining <= 0) {
      if (const auto* reset = response.header(reset_name)) {
        if (const auto when = parse_rfc3339(*reset)) {
          consider(std::chrono::duration<double, std::milli>(*when - now).count());
        }
      }
    }
  }
  return wait;
}

std::shared_ptr<FlowGate> FlowGate::make(FlowLimits limits, const Transport* transport, Now now)
{
  if (!now) {
    now = [] { return FlowClock::now(); };
  }
  return std::make_shared<FlowGate>(limits, transport, std::move(now));
}

FlowGate::FlowGate(FlowLimits limits, const Transport* transport, Now now)
    : m_limits(limits), m_transport(transport), m_now(std::move(now))
{
  const auto start = m_now();
  if (m_limits.requests_per_minute > 0) {
    // A second's worth of burst: limits are enforced over short windows, a minute's burst would 429.
    m_requests = TokenBucket(m_limits.requests_per_minute, m_limits.requests_per_minute / 60.0, start);
  }
  if (m_limits.tokens_per_minute > 0) {
    m_tokens = TokenBucket(m_limits.tokens_per_minute, m_limits.tokens_per_minute / 60.0, start);
  }
}

void FlowGate::enqueue(FlowClock::time_point not_before, Start start)
{
  const std::uint64_t generation = m_transport != nullptr ? m_transport->cancellations() : 0;
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back({not_before, generation, std::move(start)});
  }
  pump();
}

void FlowGate::release()
{
  {
    std::lock_guard lock(m_mutex);
    m_in_flight = std::max(0, m_in_flight - 1);
  }
  pump();
}

void FlowGate::record_tokens(std::int64_t tokens)
{
  if (tokens <= 0) {
    return;
  }
  std::lock_guard lock(m_mutex);
  m_tokens.take(m_now(), static_cast<double>(tokens));
}

void FlowGate::pause_until(FlowClock::time_point until)
{
  {
    std::lock_guard lock(m_mutex);
    m_paused_until = std::max(m_paused_until, until);
  }
  pump();
}

void FlowGate::observe(const HttpResponse& response)
{
  if (response.headers.empty()) {
    return;
  }
  if (const auto wait = exhausted_limit_wait_ms(response, std::chrono::system_clock::now())) {
    const auto capped = std::min(*wait, k_max_server_wait_ms);
    pause_until(m_now() + std::chrono::microseconds(static_cast<long long>(capped * 1000.0)));
  }
}

void FlowGate::pump()
{
  struct Admitted {
    Start start;
    bool cancelled = false;
    long delay_ms = 0;
  };
  std::vector<Admitted> ready;
  std::optional<FlowClock::time_point> wake;
  {
    std::lock_guard lock(m_mutex);
    const auto now = m_now();
    const std::uint64_t generation = m_transport != nullptr ? m_transport->cancellations() : 0;
    for (auto it = m_queue.begin(); it != m_queue.end();) {
      if (it->generation != generation) {
        ready.push_back({std::move(it->start), true, 0});
        it = m_queue.erase(it);
      } else {
        ++it;
      }
    }
    std::optional<FlowClock::time_point> blocked_until;
    while (!m_queue.empty()) {
      if (m_limits.max_concurrency > 0 && m_in_flight >= m_limits.max_concurrency) {
        break; // release() pumps again
      }
      // Tokens are only known after a call, so the tokens/minute bucket can only be waited for.
      if (const double wait = m_tokens.wait_ms(now); wait > 0) {
        blocked_until = now + std::chrono::microseconds(static_cast<long long>(wait * 1000.0) + 1);
        break;
      }
      // A request slot is reserved now and its start delayed through the transport's timer: to
      // its own backoff, past the shared pause, and to its turn in the requests/minute bucket.
      auto start_at = std::max({now, m_queue.front().not_before, m_paused_until});
      if (m_requests.limited()) {
        const double wait = m_requests.wait_ms(now);
        start_at = std::max(start_at, now + std::chrono::microseconds(static_cast<long long>(wait * 1000.0)));
        m_requests.take(now, 1.0);
      }
      const auto delay = std::chrono::duration<double, std::milli>(start_at - now).count();
      ++m_in_flight;
      ready.push_back({std::move(m_queue.front().start), false, static_cast<long>(std::ceil(delay))});
      m_queue.erase(m_queue.begin());
    }
    if (!m_queue.empty()) {
      const auto target = std::min(blocked_until.value_or(now + k_max_wake), now + k_max_wake);
      // One timer per moment is enough: skip when an earlier (still future) wake-up is arranged.
      if (m_wake_at <= now || target < m_wake_at) {
        m_wake_at = target;
        wake = target;
      }
    }
  }
  if (wake) {
    // The fake clock of a test and the timer's real clock differ; the timer only needs the delay.
    const auto delay = *wake - m_now();
    WakeTimer::instance().wake_at(FlowClock::now() + std::max(delay, FlowClock::duration::zero()),
                                  weak_from_this());
  }
  for (auto& admitted : ready) {
    admitted.start(admitted.cancelled, admitted.delay_ms);
  }
}

int FlowGate::in_flight() const
{
  std::lock_guard lock(m_mutex);
  return m_in_flight;
}

std::size_t FlowGate::queued() const
{
  std::lock_guard lock(m_mutex);
  return m_queue.size();
}

} // namespace evalgate
