#pragma once
// providers/pricing: per-token prices and the cost of one call (issue 3 item 6, docs/pricing.md).
// Three sources, most specific first: a provider block's `pricing:` option, a user price file
// (`--pricing FILE`: evalgate's format or LiteLLM's model_prices_and_context_window.json), and the
// table shipped in the binary (lib/providers/data/pricing.json, embedded at build time).
// A model found in none of them has an unknown cost (nullopt), never 0. Immutable after loading,
// so tables are safe to share between threads. May use: core.

#include <map>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

// USD per 1M tokens. cached_input applies to prompt tokens served from the provider's prompt cache.
struct ModelPrice {
  double input = 0;
  double output = 0;
  double cached_input = 0;
};

class PriceTable {
public:
  // The table shipped with this build.
  static const PriceTable& builtin();
  // evalgate's format ({"format": "evalgate-pricing/1", "models": {id: {input, output, cached_input}}})
  // or LiteLLM's (id → {input_cost_per_token, output_cost_per_token, cache_read_input_token_cost}),
  // told apart by the top-level "models" key. `origin` names the source in errors (category data).
  static Result<PriceTable> parse(const Json& document, const std::string& origin);
  // Reads and parses a file; errors name the path.
  static Result<PriceTable> load_file(const std::string& path);

  // Exact id first, then looser forms: "<type>/<model>" (LiteLLM's gemini/ prefix), the id after a
  // "models/" or "vendor/" prefix, and the id without a date suffix ("-2025-04-14", "-20250929").
  std::optional<ModelPrice> find(const std::string& model, const std::string& provider_type = "") const;
  std::size_t size() const { return m_models.size(); }

private:
  std::optional<ModelPrice> exact(const std::string& id) const;
  std::map<std::string, ModelPrice> m_models;
};

// The provider block's `pricing:` option ({input, output, cached_input} per 1M tokens), nullopt
// when absent. Errors are category config at spec.location naming the provider id and key, e.g.
//   provider 'gpt': pricing.input must be a number >= 0 (USD per 1M tokens)
Result<std::optional<ModelPrice>> price_override(const ProviderSpec& spec);

// The price that applies to `spec`: its override, else `user` (may be null), else the shipped
// table; nullopt when the model is in none of them.
Result<std::optional<ModelPrice>> price_for(const ProviderSpec& spec, const PriceTable* user);

// uncached prompt × input + cached × cached_input + completion × output, in USD. Usage counts
// cached tokens inside prompt_tokens (core/types.hpp); they are clamped to [0, prompt_tokens].
double cost_usd(const ModelPrice& price, const Usage& usage);

} // namespace evalgate
