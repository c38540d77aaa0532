#include "providers/fallback_client.hpp"

#include <chrono>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "core/suggest.hpp"

namespace evalgate {

namespace {

using Clock = std::chrono::steady_clock;

class FallbackClient final : public ModelClient {
public:
  FallbackClient(std::unique_ptr<ModelClient> primary, ModelClient& fallback)
      : m_primary(std::move(primary)), m_fallback(&fallback)
  {
  }

  void complete(const CallInput& input, Done done) override
  {
    const auto start = Clock::now();
    // The input's messages are copied: the caller's may be gone when the primary gives up.
    m_primary->complete(
        input, [input, done = std::move(done), start, fallback = m_fallback](CallResult first) mutable {
          if (first.failure == FailureKind::none || !first.retries_exhausted) {
            done(std::move(first));
            return;
          }
          const int primary_attempts = first.attempts;
          fallback->complete(input, [done = std::move(done), start, primary_attempts](CallResult second) {
            second.attempts += primary_attempts;
            second.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            done(std::move(second));
          });
        });
  }

  void embed(const std::vector<std::string>& texts, EmbedDone done) override
  {
    m_primary->embed(texts, std::move(done));
  }

private:
  std::unique_ptr<ModelClient> m_primary;
  ModelClient* m_fallback;
};

std::string fallback_of(const ProviderSpec& spec)
{
  const auto it = spec.options.find("fallback");
  return it != spec.options.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::unique_ptr<ModelClient> make_fallback_client(std::unique_ptr<ModelClient> primary, ModelClient& fallback)
{
  return std::make_unique<FallbackClient>(std::move(primary), fallback);
}

Result<void> wrap_fallbacks(const std::vector<ProviderSpec>& specs,
                            std::map<std::string, std::unique_ptr<ModelClient>>& clients)
{
  std::map<std::string, const ProviderSpec*> by_id;
  std::vector<std::string> ids;
  for (const auto& spec : specs) {
    by_id.emplace(spec.id, &spec);
    ids.push_back(spec.id);
  }
  for (const auto& spec : specs) {
    const std::string target = fallback_of(spec);
    if (target.empty()) {
      continue;
    }
    if (by_id.count(target) == 0) {
      std::vector<std::string> others;
      for (const auto& id : ids) {
        if (id != spec.id) {
          others.push_back(id);
        }
      }
      const auto best = nearest_name(target, others);
      return fail(
          ErrorCategory::config,
          best ? fmt::format(
                     "provider '{}': fallback '{}' is not a provider of this suite, did you mean '{}'?",
                     spec.id, target, *best)
               : fmt::format("provider '{}': fallback '{}' is not a provider of this suite", spec.id, target),
          spec.location);
    }
    // Follow the chain from here; coming back to a provider already on it is a cycle.
    std::vector<std::string> chain{spec.id};
    for (std::string next = target; !next.empty(); next = fallback_of(*by_id.at(next))) {
      chain.push_back(next);
      if (next == spec.id) {
        std::string path;
        for (const auto& id : chain) {
          path += path.empty() ? id : " -> " + id;
        }
        return fail(ErrorCategory::config, fmt::format("provider '{}': fallback cycle {}", spec.id, path),
                    spec.location);
      }
      if (by_id.count(next) == 0 || chain.size() > specs.size() + 1) {
        break; // reported when that provider is checked
      }
    }
  }
  // Wrap the targets first so a -> b -> c hands a's failures to b's fallback-aware client.
  std::set<std::string> wrapped;
  std::function<void(const std::string&)> wrap = [&](const std::string& id) {
    if (!wrapped.insert(id).second) {
      return;
    }
    const std::string target = fallback_of(*by_id.at(id));
    if (target.empty() || clients.count(id) == 0 || clients.count(target) == 0) {
      return;
    }
    wrap(target);
    clients[id] = make_fallback_client(std::move(clients[id]), *clients[target]);
  };
  for (const auto& spec : specs) {
    wrap(spec.id);
  }
  return {};
}

} // namespace evalgate
