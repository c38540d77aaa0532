#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <vector>

#include "providers/flow_control.hpp"

using namespace evalgate;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct FakeClock {
  FlowClock::time_point now = FlowClock::time_point{} + std::chrono::hours(1);
  FlowGate::Now source()
  {
    return [this] { return now; };
  }
};

// Records each admission: whether it was cancelled and the start delay it was given.
struct Admissions {
  std::vector<long> delays;
  int cancelled = 0;
  FlowGate::Start start()
  {
    return [this](bool was_cancelled, long delay_ms) {
      if (was_cancelled) {
        ++cancelled;
      } else {
        delays.push_back(delay_ms);
      }
    };
  }
};

class CancellingTransport final : public Transport {
public:
  void submit(HttpRequest, Callback, long) override {}
  void cancel_all() override { ++m_cancels; }
  std::uint64_t cancellations() const override { return m_cancels; }

private:
  std::atomic<std::uint64_t> m_cancels{0};
};

HttpResponse with_headers(std::vector<std::pair<std::string, std::string>> headers)
{
  HttpResponse response;
  response.status = 200;
  response.headers = std::move(headers);
  return response;
}

} // namespace

TEST_CASE("a token bucket refills evenly, holds its burst and pays back debt before admitting")
{
  FakeClock clock;
  TokenBucket bucket(60, 2, clock.now); // one token a second, two at most
  CHECK(bucket.wait_ms(clock.now) == doctest::Approx(0));
  bucket.take(clock.now, 2);
  CHECK(bucket.wait_ms(clock.now) == doctest::Approx(1000));
  clock.now += 250ms;
  CHECK(bucket.wait_ms(clock.now) == doctest::Approx(750));
  clock.now += 10s; // refill stops at the burst
  CHECK(bucket.level(clock.now) == doctest::Approx(2));
  bucket.take(clock.now, 5); // a call used more than the bucket held: level -3
  CHECK(bucket.wait_ms(clock.now) == doctest::Approx(4000));
  CHECK_FALSE(TokenBucket().limited());
  CHECK(TokenBucket().wait_ms(clock.now) == doctest::Approx(0));
}

TEST_CASE("the gate never admits more than max_concurrency attempts and admits the next on release")
{
  FakeClock clock;
  FlowLimits limits;
  limits.max_concurrency = 2;
  auto gate = FlowGate::make(limits, nullptr, clock.source());
  Admissions admitted;
  for (int i = 0; i < 5; ++i) {
    gate->enqueue(clock.now, admitted.start());
  }
  CHECK(admitted.delays.size() == 2);
  CHECK(gate->in_flight() == 2);
  CHECK(gate->queued() == 3);
  gate->release();
  CHECK(admitted.delays.size() == 3);
  CHECK(gate->in_flight() == 2);
  gate->release();
  gate->release();
  gate->release();
  CHECK(admitted.delays.size() == 5);
  CHECK(gate->in_flight() == 1);
  CHECK(gate->queued() == 0);
}

TEST_CASE("requests_per_minute spaces the starts of a burst one interval apart")
{
  FakeClock clock;
  FlowLimits limits;
  limits.requests_per_minute = 120; // one every 500 ms, a burst of 2
  auto gate = FlowGate::make(limits, nullptr, clock.source());
  Admissions admitted;
  for (int i = 0; i < 5; ++i) {
    gate->enqueue(clock.now, admitted.start());
  }
  CHECK(admitted.delays == std::vector<long>{0, 0, 500, 1000, 1500});
  clock.now += 10s;
  gate->enqueue(clock.now, admitted.start());
  CHECK(admitted.delays.back() == 0);
}

TEST_CASE("a pause delays every attempt admitted during it, and a retry keeps its own backoff")
{
  FakeClock clock;
  auto gate = FlowGate::make({}, nullptr, clock.source());
  Admissions admitted;
  gate->pause_until(clock.now + 3s);
  gate->enqueue(clock.now, admitted.start());
  gate->enqueue(clock.now + 5s, admitted.start()); // a retry due later than the pause
  gate->pause_until(clock.now + 1s);               // never shortens the pause
  gate->enqueue(clock.now, admitted.start());
  CHECK(admitted.delays == std::vector<long>{3000, 5000, 3000});
  clock.now += 4s;
  gate->enqueue(clock.now, admitted.start());
  CHECK(admitted.delays.back() == 0);
}

TEST_CASE("tokens_per_minute holds admissions until the tokens used are paid back")
{
  FakeClock clock;
  FlowLimits limits;
  limits.tokens_per_minute = 6000; // 100 a second, a burst of 100
  auto gate = FlowGate::make(limits, nullptr, clock.source());
  Admissions admitted;
  gate->enqueue(clock.now, admitted.start());
  REQUIRE(admitted.delays.size() == 1);
  gate->release();
  gate->record_tokens(300); // level 100 - 300 = -200: 2 s of debt, 2.01 s until a token
  gate->enqueue(clock.now, admitted.start());
  CHECK(admitted.delays.size() == 1);
  CHECK(gate->queued() == 1);
  clock.now += 1s;
  gate->pump();
  CHECK(admitted.delays.size() == 1);
  clock.now += 1100ms;
  gate->pump();
  CHECK(admitted.delays.size() == 2);
}

TEST_CASE("attempts still queued when the transport is cancelled are dropped as cancelled, not sent")
{
  FakeClock clock;
  CancellingTransport transport;
  FlowLimits limits;
  limits.max_concurrency = 1;
  auto gate = FlowGate::make(limits, &transport, clock.source());
  Admissions admitted;
  gate->enqueue(clock.now, admitted.start());
  gate->enqueue(clock.now, admitted.start());
  gate->enqueue(clock.now, admitted.start());
  CHECK(admitted.delays.size() == 1);
  transport.cancel_all();
  gate->pump();
  CHECK(admitted.cancelled == 2);
  CHECK(gate->queued() == 0);
  // Work queued after the cancel is unaffected.
  gate->release();
  gate->enqueue(clock.now, admitted.start());
  CHECK(admitted.delays.size() == 2);
}

TEST_CASE("rate-limit headers that say a limit is used up pause until its reset")
{
  const auto now = std::chrono::system_clock::now();
  CHECK_FALSE(
      exhausted_limit_wait_ms(
          with_headers({{"x-ratelimit-remaining-requests", "12"}, {"x-ratelimit-reset-requests", "1s"}}), now)
          .has_value());
  CHECK(*exhausted_limit_wait_ms(with_headers({{"x-ratelimit-remaining-requests", "0"},
                                               {"x-ratelimit-reset-requests", "1.5s"},
                                               {"x-ratelimit-remaining-tokens", "0"},
                                               {"x-ratelimit-reset-tokens", "6m0s"}}),
                                 now) == doctest::Approx(360000));
  const auto reset = std::chrono::floor<std::chrono::seconds>(now) + std::chrono::seconds(20);
  const auto day = std::chrono::floor<std::chrono::days>(reset);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss time{reset - day};
  char stamp[32];
  std::snprintf(stamp, sizeof(stamp), "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  const auto wait = exhausted_limit_wait_ms(with_headers({{"anthropic-ratelimit-tokens-remaining", "0"},
                                                          {"anthropic-ratelimit-tokens-reset", stamp}}),
                                            now);
  REQUIRE(wait.has_value());
  CHECK(*wait > 18000);
  CHECK(*wait <= 20000);

  FakeClock clock;
  auto gate = FlowGate::make({}, nullptr, clock.source());
  gate->observe(
      with_headers({{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "2s"}}));
  Admissions admitted;
  gate->enqueue(clock.now, admitted.start());
  CHECK(admitted.delays == std::vector<long>{2000});
}
