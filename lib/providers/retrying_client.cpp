#include "providers/retrying_client.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>

#include <fmt/format.h>

#include "providers/flow_control.hpp"
#include "providers/jitter.hpp"
#include "providers/provider_options.hpp"
#include "providers/redact.hpp"
#include "providers/retry_policy.hpp"
#include "providers/retrying_embed.hpp"

namespace evalgate {

namespace {

using Clock = FlowClock;

// A stream that sends no byte for this long is stalled (reasoning models may think quietly for a
// while; keep-alive pings reset the timer). providers.md §4.4.
constexpr long k_stream_idle_timeout_ms = 300000;

struct Shared {
  std::shared_ptr<const Provider> provider;
  Transport* transport = nullptr;
  std::shared_ptr<FlowGate> gate;
  std::string provider_id;
  int max_retries = 0;
  long retry_base_ms = 0;
  bool stream = false;
  std::string ca_bundle;
  std::vector<std::string> secrets;
};

// One attempt's stream state, written by the I/O thread while the body arrives and read by the
// completion callback on that same thread.
struct StreamState {
  std::unique_ptr<StreamDecoder> decoder;
  std::optional<Clock::time_point> first_content;
  std::string feed_error;
};

struct Call {
  std::shared_ptr<const Shared> shared;
  HttpRequest request;
  ModelClient::Done done;
  Clock::time_point start;
  int attempts = 0;
  std::uint64_t jitter_state = 0; // splitmix64; a mt19937_64 per call cost two 312-word seedings
};

void finish(const std::shared_ptr<Call>& call, CallResult result)
{
  result.attempts = call->attempts;
  result.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - call->start).count();
  result.error = redact_secrets(std::move(result.error), call->shared->secrets);
  result.provider_id = call->shared->provider_id;
  call->done(std::move(result));
}

void enqueue_attempt(const std::shared_ptr<Call>& call, Clock::time_point not_before);

CallResult success(Completion completion)
{
  CallResult result;
  result.text = std::move(completion.text);
  result.usage = completion.usage;
  result.raw = std::move(completion.raw);
  return result;
}

void on_response(const std::shared_ptr<Call>& call, const HttpResponse& response,
                 const std::shared_ptr<StreamState>& stream)
{
  ++call->attempts;
  const Shared& shared = *call->shared;
  shared.gate->release();
  shared.gate->observe(response);
  RetryDecision decision = classify_response(response);
  if (decision.failure == FailureKind::none) {
    auto decoded = [&]() -> Result<Completion> {
      if (!stream) {
        return shared.provider->decode(response);
      }
      if (!stream->feed_error.empty()) {
        return fail(ErrorCategory::provider, stream->feed_error);
      }
      if (response.from_cache) {
        // A cached stream arrives whole, without chunk callbacks: decode its recorded body.
        if (auto fed = stream->decoder->feed(response.body); !fed) {
          return fail(fed.error());
        }
      }
      return stream->decoder->finish();
    }();
    if (decoded) {
      CallResult result = success(std::move(decoded).value());
      if (stream && stream->first_content) {
        result.ttft_ms =
            std::chrono::duration<double, std::milli>(*stream->first_content - call->start).count();
      }
      const auto& usage = result.usage;
      shared.gate->record_tokens(usage.total_tokens > 0 ? usage.total_tokens
                                                        : usage.prompt_tokens + usage.completion_tokens);
      result.cache_hit = response.from_cache;
      finish(call, std::move(result));
      return;
    }
    // A stream cut short (no final marker) is a dropped connection, retried like one; a body that
    // is not the documented shape is a parse failure, retried like a truncated response.
    decision.failure = stream && stream->feed_error.empty() ? FailureKind::network : FailureKind::parse;
    decision.retryable = true;
    decision.message = decoded.error().message;
  }
  const bool retries_left = call->attempts <= shared.max_retries;
  if (decision.retryable && retries_left) {
    const double jitter = next_jitter(call->jitter_state);
    const BackoffStep step = compute_backoff(decision, call->attempts - 1, shared.retry_base_ms, jitter);
    if (!step.give_up) {
      call->request.cache_refresh = true; // a cached answer, if any, was not accepted: fetch anew
      const auto not_before = Clock::now() + std::chrono::microseconds(std::llround(step.delay_ms * 1000.0));
      if (decision.failure == FailureKind::rate_limited || response.status == 529) {
        // The provider is shedding load for everyone: hold every request to it, not just this one.
        shared.gate->pause_until(not_before);
      }
      enqueue_attempt(call, not_before);
      return;
    }
    decision.message += fmt::format("; {} (more than the {}s evalgate waits)", step.message,
                                    static_cast<long>(k_max_server_wait_ms / 1000));
  }
  CallResult result;
  result.failure = decision.failure;
  result.error = std::move(decision.message);
  result.retries_exhausted = decision.retryable;
  finish(call, std::move(result));
}

void start_attempt(const std::shared_ptr<Call>& call, long delay_ms)
{
  const Shared& shared = *call->shared;
  HttpRequest request = call->request;
  std::shared_ptr<StreamState> stream;
  if (shared.stream) {
    stream = std::make_shared<StreamState>();
    stream->decoder = shared.provider->stream_decoder();
    request.idle_timeout_ms = k_stream_idle_timeout_ms;
    // Raw pointer: the request (and so this callback) lives in the transfer, which `stream` outlives.
    request.on_chunk = [state = stream.get()](std::string_view bytes) {
      if (!state->feed_error.empty()) {
        return;
      }
      if (auto fed = state->decoder->feed(bytes); !fed) {
        state->feed_error = fed.error().message;
        return;
      }
      if (!state->first_content && state->decoder->has_content()) {
        state->first_content = Clock::now();
      }
    };
  }
  // The callback owns the call state: nothing dangles if the client goes away mid-flight.
  shared.transport->submit(
      std::move(request), [call, stream](HttpResponse response) { on_response(call, response, stream); },
      delay_ms);
}

void enqueue_attempt(const std::shared_ptr<Call>& call, Clock::time_point not_before)
{
  call->shared->gate->enqueue(not_before, [call](bool cancelled, long delay_ms) {
    if (!cancelled) {
      start_attempt(call, delay_ms);
      return;
    }
    CallResult result;
    result.failure = FailureKind::network;
    result.error = "cancelled";
    finish(call, std::move(result));
  });
}

class RetryingClient final : public ModelClient {
public:
  RetryingClient(std::shared_ptr<const Shared> shared, EmbedSettings embed)
      : m_shared(std::move(shared)), m_embed(std::move(embed))
  {
  }

  void embed(const std::vector<std::string>& texts, EmbedDone done) override
  {
    retrying_embed(m_embed, texts, std::move(done));
  }

  void complete(const CallInput& input, Done done) override
  {
    auto call = std::make_shared<Call>();
    call->shared = m_shared;
    call->done = std::move(done);
    call->start = Clock::now();
    call->jitter_state = next_jitter_seed();
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
    if (!m_shared->ca_bundle.empty()) {
      call->request.ca_bundle = m_shared->ca_bundle;
    }
    enqueue_attempt(call, call->start);
  }

private:
  std::shared_ptr<const Shared> m_shared;
  EmbedSettings m_embed;
};

double option_number(const ProviderSpec& spec, const char* key)
{
  const auto it = spec.options.find(key);
  return it != spec.options.end() && it->is_number() ? std::max(0.0, it->get<double>()) : 0.0;
}

} // namespace

std::unique_ptr<ModelClient> make_retrying_client(std::shared_ptr<const Provider> provider,
                                                  const ProviderSpec& spec, Transport& transport)
{
  auto shared = std::make_shared<Shared>();
  shared->secrets = provider->secrets();
  const auto stream = spec.options.find("stream");
  shared->stream = stream != spec.options.end() && stream->is_boolean() && stream->get<bool>() &&
                   provider->stream_decoder() != nullptr;
  shared->provider = std::move(provider);
  shared->transport = &transport;
  shared->provider_id = spec.id;
  shared->max_retries = std::max(0, spec.max_retries);
  shared->retry_base_ms = std::max(0L, spec.retry_base_ms);
  if (const auto bundle = spec.options.find("ca_bundle");
      bundle != spec.options.end() && bundle->is_string()) {
    shared->ca_bundle = resolve_ca_bundle(spec, bundle->get<std::string>());
  }
  FlowLimits limits;
  limits.max_concurrency = std::max(0, spec.max_concurrency);
  limits.requests_per_minute = option_number(spec, "requests_per_minute");
  limits.tokens_per_minute = option_number(spec, "tokens_per_minute");
  shared->gate = FlowGate::make(limits, &transport);
  EmbedSettings embed{shared->provider,    &transport,
                      shared->max_retries, shared->retry_base_ms,
                      shared->secrets,     fmt::format("provider '{}' (type {})", spec.id, spec.type)};
  return std::make_unique<RetryingClient>(std::move(shared), std::move(embed));
}

} // namespace evalgate
