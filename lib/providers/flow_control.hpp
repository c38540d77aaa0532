#pragma once
// providers/flow_control: evalgate's own admission control for one configured provider (one model
// behind one endpoint). libcurl counts queue time against its timeouts, so its connection limits
// cannot be the throttle; the FlowGate decides when each attempt may start:
//   - at most `max_concurrency` attempts in flight (0 = no bound of its own),
//   - a requests/minute and a tokens/minute token bucket (0 = no limit),
//   - a shared pause: a 429/529, or a rate-limit header saying nothing is left, holds every new
//     attempt to this provider until the wait has passed (one 429 must not become N).
// An attempt is admitted (takes a slot) as soon as concurrency and the tokens bucket allow, FIFO,
// and is told how long to delay its start: to its own backoff time, past the shared pause, and to
// its reserved turn in the requests bucket. The delay runs on the transport's timer, so a
// cancel_all() ends it; attempts waiting for a slot queue here, never in libcurl.
//
// Threads: every member may be called from any thread. Start functions run outside the lock, on
// the thread that made room (enqueue's caller, release's caller, or the gate's timer thread), and
// must not block. The gate holds no reference to its callers' state beyond queued start functions.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "providers/http.hpp"
#include "providers/transport.hpp"

namespace evalgate {

using FlowClock = std::chrono::steady_clock;

// A token bucket with debt: `take` may drive the level below zero (a call's tokens are only known
// after it), and the next admission waits until the refill has paid the debt back. Pure; not
// thread-safe (FlowGate locks).
class TokenBucket {
public:
  TokenBucket() = default; // unlimited
  // `per_minute` tokens refill evenly over a minute; the bucket holds at most `burst` (>= 1) and
  // starts full.
  TokenBucket(double per_minute, double burst, FlowClock::time_point now);

  bool limited() const { return m_per_ms > 0; }
  // Milliseconds until the level reaches `need` (0 when it already has, or when unlimited).
  double wait_ms(FlowClock::time_point now, double need = 1.0);
  void take(FlowClock::time_point now, double amount);
  double level(FlowClock::time_point now);

private:
  void refill(FlowClock::time_point now);

  double m_per_ms = 0;
  double m_burst = 0;
  double m_level = 0;
  FlowClock::time_point m_at;
};

struct FlowLimits {
  int max_concurrency = 0;        // 0 = unbounded here
  double requests_per_minute = 0; // 0 = no limit
  double tokens_per_minute = 0;   // 0 = no limit
};

// When the response's rate-limit headers say a limit is used up (x-ratelimit-remaining-{requests,
// tokens}: 0 with the matching Go-duration reset; anthropic-ratelimit-*-remaining: 0 with an RFC
// 3339 reset), how long until it resets, in milliseconds; the longest such wait. nullopt otherwise.
std::optional<double> exhausted_limit_wait_ms(const HttpResponse& response,
                                              std::chrono::system_clock::time_point now);

class FlowGate : public std::enable_shared_from_this<FlowGate> {
public:
  // `cancelled` = a Transport::cancel_all() overtook the queued attempt; it must not be sent.
  // Otherwise submit it with `delay_ms` (>= 0) as the transport delay.
  using Start = std::function<void(bool cancelled, long delay_ms)>;
  using Now = std::function<FlowClock::time_point()>;

  // `transport` (may be null) is asked for cancellations(); `now` is injectable for tests.
  static std::shared_ptr<FlowGate> make(FlowLimits limits, const Transport* transport, Now now = {});

  // Queues one attempt that may start no earlier than `not_before`; `start` runs exactly once.
  void enqueue(FlowClock::time_point not_before, Start start);
  // An admitted attempt has finished (its response arrived): frees its concurrency slot.
  void release();
  // Tokens a finished call used (debited from the tokens/minute bucket).
  void record_tokens(std::int64_t tokens);
  // Delays every attempt admitted from now on to `until` at least (never shortens a pause).
  void pause_until(FlowClock::time_point until);
  // Reads rate-limit headers of any response and pauses when a limit is used up.
  void observe(const HttpResponse& response);
  // Admits whatever may start now and arranges a wake-up for the rest. Called by the members above
  // and by the timer; tests with a fake clock call it after moving the clock.
  void pump();

  int in_flight() const;
  std::size_t queued() const;

  FlowGate(FlowLimits limits, const Transport* transport, Now now);

private:
  struct Waiting {
    FlowClock::time_point not_before;
    std::uint64_t generation = 0;
    Start start;
  };

  FlowLimits m_limits;
  const Transport* m_transport;
  Now m_now;

  mutable std::mutex m_mutex;
  std::vector<Waiting> m_queue;
  int m_in_flight = 0;
  FlowClock::time_point m_paused_until{};
  FlowClock::time_point m_wake_at{}; // the earliest timer wake-up already arranged
  TokenBucket m_requests;
  TokenBucket m_tokens;
};

} // namespace evalgate
