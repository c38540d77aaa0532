#include "providers/retrying_embed.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "providers/jitter.hpp"
#include "providers/redact.hpp"
#include "providers/retry_policy.hpp"

namespace evalgate {

namespace {

struct EmbedCall {
  EmbedSettings settings;
  HttpRequest request;
  std::size_t text_count = 0;
  ModelClient::EmbedDone done;
  int attempts = 0;
  std::uint64_t jitter_state = next_jitter_seed();
};

void finish(const std::shared_ptr<EmbedCall>& call, EmbedResult result)
{
  result.attempts = call->attempts;
  result.error = redact_secrets(std::move(result.error), call->settings.secrets);
  call->done(std::move(result));
}

void submit(const std::shared_ptr<EmbedCall>& call, long delay_ms);

void on_response(const std::shared_ptr<EmbedCall>& call, const HttpResponse& response)
{
  ++call->attempts;
  RetryDecision decision = classify_response(response);
  if (decision.failure == FailureKind::none) {
    EmbedResult result;
    auto vectors = call->settings.provider->decode_embed(response, result.usage);
    if (vectors && vectors->size() == call->text_count) {
      result.vectors = std::move(*vectors);
      finish(call, std::move(result));
      return;
    }
    decision.failure = FailureKind::parse;
    decision.retryable = true;
    decision.message = vectors ? fmt::format("embeddings response has {} vectors for {} texts",
                                             vectors->size(), call->text_count)
                               : vectors.error().message;
  }
  if (decision.retryable && call->attempts <= call->settings.max_retries) {
    const double jitter = next_jitter(call->jitter_state);
    const BackoffStep step =
        compute_backoff(decision, call->attempts - 1, call->settings.retry_base_ms, jitter);
    if (!step.give_up) {
      submit(call, std::max(0L, std::lround(step.delay_ms)));
      return;
    }
    decision.message += fmt::format("; {} (more than the {}s evalgate waits)", step.message,
                                    static_cast<long>(k_max_server_wait_ms / 1000));
  }
  EmbedResult result;
  result.failure = decision.failure;
  result.error = std::move(decision.message);
  finish(call, std::move(result));
}

void submit(const std::shared_ptr<EmbedCall>& call, long delay_ms)
{
  call->settings.transport->submit(
      call->request, [call](HttpResponse response) { on_response(call, response); }, delay_ms);
}

} // namespace

void retrying_embed(const EmbedSettings& settings, const std::vector<std::string>& texts,
                    ModelClient::EmbedDone done)
{
  auto call = std::make_shared<EmbedCall>();
  call->settings = settings;
  call->done = std::move(done);
  call->text_count = texts.size();
  if (texts.empty()) {
    finish(call, EmbedResult{});
    return;
  }
  auto request = settings.provider->encode_embed(texts);
  if (!request) {
    EmbedResult result;
    result.failure = FailureKind::config;
    result.error =
        settings.label.empty() ? request.error().message : settings.label + ": " + request.error().message;
    finish(call, std::move(result));
    return;
  }
  call->request = std::move(*request);
  submit(call, 0);
}

} // namespace evalgate
