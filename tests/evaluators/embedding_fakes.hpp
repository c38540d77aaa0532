#pragma once
// A scripted ModelClient for embedding evaluator tests: embed() answers from a text → vector table
// (unknown texts get a fixed vector), complete() answers from a queue of replies, and every call is
// counted. Answers synchronously on the caller's thread unless `async` is set, in which case they
// come from a separate thread like the transport's I/O thread.

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/types.hpp"
#include "evaluators/evaluator.hpp"
#include "providers/model_client.hpp"

namespace evalgate::testing {

class FakeEmbedClient final : public ModelClient {
public:
  std::map<std::string, std::vector<float>> vectors;
  std::vector<float> unknown{0.0f, 0.0f, 1.0f};
  std::optional<double> cost_per_call;
  std::string fail_with;           // non-empty: every embed call fails with this message
  std::deque<std::string> replies; // complete() answers, in order; the last one repeats
  std::optional<double> judge_cost;
  bool async = false;

  std::atomic<int> embed_calls{0};
  std::atomic<int> complete_calls{0};

  ~FakeEmbedClient() override
  {
    std::lock_guard lock(m_mutex);
    for (auto& thread : m_threads) {
      thread.join();
    }
  }

  std::vector<std::vector<std::string>> batches() const
  {
    std::lock_guard lock(m_mutex);
    return m_batches;
  }

  void complete(const CallInput& input, Done done) override
  {
    ++complete_calls;
    CallResult result;
    {
      std::lock_guard lock(m_mutex);
      m_prompts.push_back(input.messages);
      result.text = replies.empty() ? "" : replies.front();
      if (replies.size() > 1) {
        replies.pop_front();
      }
    }
    result.cost_usd = judge_cost;
    answer(std::move(done), std::move(result));
  }

  void embed(const std::vector<std::string>& texts, EmbedDone done) override
  {
    ++embed_calls;
    EmbedResult result;
    {
      std::lock_guard lock(m_mutex);
      m_batches.push_back(texts);
    }
    if (!fail_with.empty()) {
      result.failure = FailureKind::http_4xx;
      result.error = fail_with;
    } else {
      for (const auto& text : texts) {
        auto found = vectors.find(text);
        result.vectors.push_back(found == vectors.end() ? unknown : found->second);
      }
      result.cost_usd = cost_per_call;
    }
    answer(std::move(done), std::move(result));
  }

  std::vector<std::vector<Message>> prompts() const
  {
    std::lock_guard lock(m_mutex);
    return m_prompts;
  }

  EvaluatorContext context(std::vector<std::string> judge_ids = {"embed"})
  {
    EvaluatorContext context;
    context.judge_ids = std::move(judge_ids);
    context.client = [this](const std::string&) -> ModelClient* { return this; };
    return context;
  }

private:
  template <typename F, typename R>
  void answer(F done, R result)
  {
    if (!async) {
      done(std::move(result));
      return;
    }
    std::lock_guard lock(m_mutex);
    m_threads.emplace_back(
        [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  }

  mutable std::mutex m_mutex;
  std::vector<std::vector<std::string>> m_batches;
  std::vector<std::vector<Message>> m_prompts;
  std::vector<std::thread> m_threads;
};

} // namespace evalgate::testing
