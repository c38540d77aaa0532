#include "providers/pricing.hpp"

#include "core/json_depth.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace evalgate {

const char* builtin_pricing_json(); // generated from data/pricing.json (CMakeLists.txt)

namespace {

constexpr double k_per_million = 1e6;

// LiteLLM values may be numbers, numeric strings or null (providers.md §5.1).
std::optional<double> number_of(const Json& value)
{
  if (value.is_number()) {
    return value.get<double>();
  }
  if (value.is_string()) {
    try {
      std::size_t used = 0;
      const std::string text = value.get<std::string>();
      const double parsed = std::stod(text, &used);
      if (used == text.size()) {
        return parsed;
      }
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<double> field(const Json& object, const char* key)
{
  const auto it = object.find(key);
  return it == object.end() ? std::nullopt : number_of(*it);
}

// "-2025-04-14" or "-20250929" at the end of a model id: a dated snapshot of the base model.
std::optional<std::string> without_date(const std::string& id)
{
  auto digits = [&](std::size_t from, std::size_t count) {
    return std::all_of(id.begin() + static_cast<long>(from), id.begin() + static_cast<long>(from + count),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
  };
  if (id.size() > 11 && id[id.size() - 11] == '-' && id[id.size() - 6] == '-' && id[id.size() - 3] == '-' &&
      digits(id.size() - 10, 4) && digits(id.size() - 5, 2) && digits(id.size() - 2, 2)) {
    return id.substr(0, id.size() - 11);
  }
  if (id.size() > 9 && id[id.size() - 9] == '-' && digits(id.size() - 8, 8)) {
    return id.substr(0, id.size() - 9);
  }
  return std::nullopt;
}

Result<ModelPrice> evalgate_entry(const Json& entry, const std::string& where)
{
  if (!entry.is_object()) {
    return fail(ErrorCategory::data, where + " must be a mapping {input, output, cached_input}");
  }
  ModelPrice price;
  for (const auto& [key, value] : entry.items()) {
    const auto number = value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt;
    if (key != "input" && key != "output" && key != "cached_input") {
      return fail(
          ErrorCategory::data,
          fmt::format("{} has an unknown key '{}' (expected input, output, cached_input)", where, key));
    }
    if (!number || *number < 0) {
      return fail(ErrorCategory::data,
                  fmt::format("{}.{} must be a number >= 0 (USD per 1M tokens)", where, key));
    }
  }
  for (const char* required : {"input", "output"}) {
    if (!entry.contains(required)) {
      return fail(ErrorCategory::data, fmt::format("{} needs '{}' (USD per 1M tokens)", where, required));
    }
  }
  price.input = entry["input"].get<double>();
  price.output = entry["output"].get<double>();
  // No cached rate known: bill cached tokens at the input rate rather than guess a discount.
  price.cached_input = entry.contains("cached_input") ? entry["cached_input"].get<double>() : price.input;
  return price;
}

} // namespace

const PriceTable& PriceTable::builtin()
{
  static const PriceTable k_table = [] {
    auto parsed = parse(Json::parse(builtin_pricing_json()), "built-in pricing table");
    // The shipped file is tested; a broken one must fail loudly in tests, not price calls at 0.
    return parsed ? std::move(parsed).value() : PriceTable{};
  }();
  return k_table;
}

Result<PriceTable> PriceTable::parse(const Json& document, const std::string& origin)
{
  if (!document.is_object()) {
    return fail(ErrorCategory::data, origin + ": a price file is a JSON object");
  }
  PriceTable table;
  if (document.contains("models")) {
    const Json& models = document["models"];
    if (!models.is_object()) {
      return fail(ErrorCategory::data, origin + ": 'models' must be an object of model id → prices");
    }
    for (const auto& [id, entry] : models.items()) {
      auto price = evalgate_entry(entry, fmt::format("{}: models.{}", origin, id));
      if (!price) {
        return fail(price.error());
      }
      table.m_models[id] = *price;
    }
    return table;
  }
  // LiteLLM: entries without both token prices (images, audio, per-second models) are skipped.
  for (const auto& [id, entry] : document.items()) {
    if (id == "sample_spec" || !entry.is_object()) {
      continue;
    }
    const auto input = field(entry, "input_cost_per_token");
    const auto output = field(entry, "output_cost_per_token");
    if (!input || !output) {
      continue;
    }
    const auto cached = field(entry, "cache_read_input_token_cost");
    table.m_models[id] = ModelPrice{*input * k_per_million, *output * k_per_million,
                                    (cached ? *cached : *input) * k_per_million};
  }
  return table;
}

Result<PriceTable> PriceTable::load_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCategory::usage, "cannot read price file " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  Json document = parse_json_bounded(text.str());
  if (document.is_discarded()) {
    return fail(ErrorCategory::data, path + ": not valid JSON");
  }
  return parse(document, path);
}

std::optional<ModelPrice> PriceTable::exact(const std::string& id) const
{
  const auto it = m_models.find(id);
  return it == m_models.end() ? std::nullopt : std::optional<ModelPrice>(it->second);
}

std::optional<ModelPrice> PriceTable::find(const std::string& model, const std::string& provider_type) const
{
  std::vector<std::string> ids;
  if (!provider_type.empty()) {
    ids.push_back(provider_type + "/" + model);
  }
  ids.push_back(model);
  if (model.rfind("models/", 0) == 0) {
    ids.push_back(model.substr(7));
  }
  if (const auto slash = model.rfind('/'); slash != std::string::npos) {
    ids.push_back(model.substr(slash + 1));
  }
  const std::size_t plain = ids.size();
  for (std::size_t i = 0; i < plain; ++i) {
    if (auto base = without_date(ids[i])) {
      ids.push_back(*base);
    }
  }
  for (const auto& id : ids) {
    if (auto price = exact(id)) {
      return price;
    }
  }
  return std::nullopt;
}

Result<std::optional<ModelPrice>> price_override(const ProviderSpec& spec)
{
  const auto it = spec.options.find("pricing");
  if (it == spec.options.end() || it->is_null()) {
    return std::optional<ModelPrice>{};
  }
  auto price = evalgate_entry(*it, fmt::format("provider '{}': pricing", spec.id));
  if (!price) {
    return fail(ErrorCategory::config, price.error().message, spec.location);
  }
  return std::optional<ModelPrice>(*price);
}

Result<std::optional<ModelPrice>> price_for(const ProviderSpec& spec, const PriceTable* user)
{
  auto own = price_override(spec);
  if (!own || *own) {
    return own;
  }
  if (spec.model.empty()) {
    return std::optional<ModelPrice>{};
  }
  if (user != nullptr) {
    if (auto price = user->find(spec.model, spec.type)) {
      return price;
    }
  }
  return PriceTable::builtin().find(spec.model, spec.type);
}

double cost_usd(const ModelPrice& price, const Usage& usage)
{
  const auto prompt = static_cast<double>(std::max<std::int64_t>(0, usage.prompt_tokens));
  const double cached = std::clamp(static_cast<double>(usage.cached_tokens), 0.0, prompt);
  const auto completion = static_cast<double>(std::max<std::int64_t>(0, usage.completion_tokens));
  return ((prompt - cached) * price.input + cached * price.cached_input + completion * price.output) /
         k_per_million;
}

} // namespace evalgate
