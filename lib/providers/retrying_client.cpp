#include "providers/retrying_client.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "providers/redact.hpp"
#include "providers/retry_policy.hpp"

namespace evalgate {

namespace {

using Clock = std::chrono::steady_clock;

struct Shared {
  std::shared_ptr<const Provider> provider;
  Transport* transport = nullptr;
  int max_retries = 0;
  long retry_base_ms = 0;
  std::vector<std::string> secrets;
};

struct Call {
  std::shared_ptr<const Shared> shared;
  HttpRequest request;
  ModelClient::Done done;
  Clock::time_point start;
  int attempts = 0;
  std::mt19937_64 rng;
};

// Jitter only has to decorrelate concurrent callers, not be reproducible (it never affects scores).
std::uint64_t next_seed()
{
  static const std::uint64_t k_base = std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  return k_base ^ (0x9E3779B97F4A7C15ULL * ++counter);
}

void finish(const std::shared_ptr<Call>& call, CallResult result)
{
  result.attempts = call->attempts;
  result.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - call->start).count();
  result.error = redact_secrets(std::move(result.error), call->shared->secrets);
  call->done(std::move(result));
}

void submit_attempt(const std::shared_ptr<Call>& call, long delay_ms);

void on_response(const std::shared_ptr<Call>& call, const HttpResponse& response)
{
  ++call->attempts;
  const Shared& shared = *call->shared;
  RetryDecision decision = classify_response(response);
  if (decision.failure == FailureKind::none) {
    auto decoded = shared.provider->decode(response);
    if (decoded) {
      CallResult result;
      result.text = std::move(decoded->text);
      result.usage = decoded->usage;
      result.cache_hit = response.from_cache;
      finish(call, std::move(result));
      return;
    }
    decision.failure = FailureKind::parse;
    decision.retryable = true;
    decision.message = decoded.error().message;
  }
  if (decision.retryable && call->attempts <= shared.max_retries) {
    const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(call->rng);
    const BackoffStep step = compute_backoff(decision, call->attempts - 1, shared.retry_base_ms, jitter);
    if (!step.give_up) {
      call->request.cache_refresh = true; // a cached answer, if any, was not accepted: fetch anew
      submit_attempt(call, std::max(0L, std::lround(step.delay_ms)));
      return;
    }
    decision.message += fmt::format("; {} (more than the {}s evalgate waits)", step.message,
                                    static_cast<long>(k_max_server_wait_ms / 1000));
  }
  CallResult result;
  result.failure = decision.failure;
  result.error = std::move(decision.message);
  finish(call, std::move(result));
}

void submit_attempt(const std::shared_ptr<Call>& call, long delay_ms)
{
  // The callback owns the call state: nothing dangles if the client goes away mid-flight.
  call->shared->transport->submit(
    call->request, [call](HttpResponse response) { on_response(call, response); }, delay_ms);
}

class RetryingClient final : public ModelClient {
public:
  explicit RetryingClient(std::shared_ptr<const Shared> shared) : m_shared(std::move(shared)) {}

  void complete(const CallInput& input, Done done) override
  {
    auto call = std::make_shared<Call>();
    call->shared = m_shared;
    call->done = std::move(done);
    call->start = Clock::now();
    call->rng.seed(next_seed());
    auto request = m_shared->provider->encode(input);
    if (!request) {
      CallResult result;
      result.failure = FailureKind::config;
      result.error = request.error().message;
      finish(call, std::move(result));
      return;
    }
    call->request = std::move(*request);
    call->request.cache_sample = input.repeat_index;
    submit_attempt(call, 0);
  }

private:
  std::shared_ptr<const Shared> m_shared;
};

} // namespace

std::unique_ptr<ModelClient> make_retrying_client(std::shared_ptr<const Provider> provider, const ProviderSpec& spec,
                                                  Transport& transport)
{
  auto shared = std::make_shared<Shared>();
  shared->secrets = provider->secrets();
  shared->provider = std::move(provider);
  shared->transport = &transport;
  shared->max_retries = std::max(0, spec.max_retries);
  shared->retry_base_ms = std::max(0L, spec.retry_base_ms);
  return std::make_unique<RetryingClient>(std::move(shared));
}

} // namespace evalgate
