#include "traces/trace_sampler.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <openssl/sha.h>

namespace evalgate::traces {

namespace {

constexpr const char* k_no_stratum = "(none)";

using Entry = std::pair<const std::string, TraceSampler::TraceKey>;

} // namespace

double trace_hash_u(std::string_view salt, std::string_view trace_id_norm)
{
  std::string message;
  message.reserve(salt.size() + 1 + trace_id_norm.size());
  message.append(salt);
  message.push_back('\0');
  message.append(trace_id_norm);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest);
  std::uint64_t top = 0;
  for (int i = 0; i < 8; ++i) {
    top = (top << 8) | digest[i];
  }
  return static_cast<double>(top >> 11) / 9007199254740992.0; // 2^53
}

Result<void> validate_sample_spec(const SampleSpec& spec)
{
  if (spec.rate && (!(*spec.rate > 0) || *spec.rate > 1)) {
    return fail(ErrorCategory::usage, "--sample-rate must be in (0, 1], got " + std::to_string(*spec.rate));
  }
  if (spec.size && *spec.size < 1) {
    return fail(ErrorCategory::usage, "--sample-size must be at least 1, got " + std::to_string(*spec.size));
  }
  if (spec.rate && spec.size) {
    return fail(ErrorCategory::usage, "give --sample-rate or --sample-size, not both");
  }
  if (spec.stratify != StratifyBy::none && !spec.size) {
    return fail(ErrorCategory::usage,
                "--stratify-by needs --sample-size (the total to allocate over strata)");
  }
  if (spec.salt.empty()) {
    return fail(ErrorCategory::usage, "--salt must not be empty");
  }
  return {};
}

Result<void> parse_stratify(const std::string& text, SampleSpec& spec)
{
  if (text == "model") {
    spec.stratify = StratifyBy::model;
  } else if (text == "name") {
    spec.stratify = StratifyBy::name;
  } else if (text.rfind("attribute:", 0) == 0 && text.size() > 10) {
    spec.stratify = StratifyBy::attribute;
    spec.stratify_key = text.substr(10);
  } else {
    return fail(ErrorCategory::usage,
                "--stratify-by must be model, name or attribute:KEY, got '" + text + "'");
  }
  return {};
}

bool observes_metadata(const SampleSpec& spec)
{
  return spec.stratify == StratifyBy::attribute ||
         std::any_of(spec.where.begin(), spec.where.end(),
                     [](const WhereCondition& c) { return c.field == WhereCondition::Field::attribute; });
}

std::string sampling_id(const TraceRecord& record)
{
  if (!record.trace_id_norm.empty()) {
    return record.trace_id_norm;
  }
  std::string id = record.trace_id;
  std::transform(id.begin(), id.end(), id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return id;
}

TraceSampler::TraceSampler(SampleSpec spec) : m_spec(std::move(spec)) {}

void TraceSampler::observe(const TraceRecord& record)
{
  std::string id = sampling_id(record);
  auto [it, inserted] = m_traces.try_emplace(std::move(id));
  TraceKey& key = it->second;
  if (inserted) {
    key.u = trace_hash_u(m_spec.salt, it->first);
  }
  key.error = key.error || record.status == TraceStatus::error;
  key.eligible = key.eligible || record_matches(record, m_spec.where);

  // The stratum comes from the record that describes the trace best: for model an LLM call, for
  // name the root (the route); the first such record wins, so the choice follows file order.
  std::string value;
  int rank = 0;
  switch (m_spec.stratify) {
  case StratifyBy::none:
    return;
  case StratifyBy::model:
    value = record.model;
    rank = record.kind == TraceKind::llm ? 2 : 1;
    break;
  case StratifyBy::name:
    value = record.name;
    rank = record.parent_span_id.empty() ? 2 : 1;
    break;
  case StratifyBy::attribute:
    value = attribute_text(record, m_spec.stratify_key);
    rank = 1;
    break;
  }
  if (!value.empty() && rank > key.stratum_rank) {
    key.stratum = std::move(value);
    key.stratum_rank = rank;
  }
}

namespace {

bool by_u(const Entry* a, const Entry* b)
{
  return a->second.u != b->second.u ? a->second.u < b->second.u : a->first < b->first;
}

// Largest-remainder split of k over populations: floor(k·N_h/N), then one more to the strata with
// the largest fractional parts (ties: the larger stratum, then the name) until k is reached.
std::map<std::string, std::int64_t> proportional(const std::map<std::string, std::int64_t>& population,
                                                 std::int64_t k, std::int64_t total)
{
  std::map<std::string, std::int64_t> quota;
  struct Rest {
    double fraction;
    std::int64_t population;
    std::string name;
  };
  std::vector<Rest> rests;
  std::int64_t given = 0;
  for (const auto& [name, n] : population) {
    const double exact = static_cast<double>(k) * static_cast<double>(n) / static_cast<double>(total);
    const auto whole = std::min<std::int64_t>(n, static_cast<std::int64_t>(std::floor(exact)));
    quota[name] = whole;
    given += whole;
    rests.push_back({exact - static_cast<double>(whole), n, name});
  }
  std::sort(rests.begin(), rests.end(), [](const Rest& a, const Rest& b) {
    if (a.fraction != b.fraction) {
      return a.fraction > b.fraction;
    }
    return a.population != b.population ? a.population > b.population : a.name < b.name;
  });
  for (const Rest& rest : rests) {
    if (given >= k) {
      break;
    }
    if (quota[rest.name] < rest.population) {
      ++quota[rest.name];
      ++given;
    }
  }
  return quota;
}

// Equal shares, capped at each stratum's size; what small strata cannot use goes to the others.
std::map<std::string, std::int64_t> equal(const std::map<std::string, std::int64_t>& population,
                                          std::int64_t k)
{
  std::map<std::string, std::int64_t> quota;
  for (const auto& [name, n] : population) {
    quota[name] = 0;
  }
  std::int64_t left = k;
  while (left > 0) {
    std::vector<std::string> open;
    for (const auto& [name, n] : population) {
      if (quota[name] < n) {
        open.push_back(name);
      }
    }
    if (open.empty()) {
      break;
    }
    const auto share = std::max<std::int64_t>(1, left / static_cast<std::int64_t>(open.size()));
    for (const auto& name : open) {
      const auto add = std::min({share, population.at(name) - quota[name], left});
      quota[name] += add;
      left -= add;
      if (left == 0) {
        break;
      }
    }
  }
  return quota;
}

} // namespace

void TraceSampler::choose_strata(const std::vector<const Entry*>& pool, SampleSelection& selection) const
{
  std::map<std::string, std::vector<const Entry*>> groups;
  for (const Entry* entry : pool) {
    const std::string& stratum = entry->second.stratum.empty() ? k_no_stratum : entry->second.stratum;
    groups[stratum].push_back(entry);
  }
  std::map<std::string, std::int64_t> population;
  for (const auto& [name, members] : groups) {
    population[name] = static_cast<std::int64_t>(members.size());
  }
  const std::int64_t k = std::min<std::int64_t>(*m_spec.size, static_cast<std::int64_t>(pool.size()));
  const auto quota = m_spec.allocation == Allocation::equal
                         ? equal(population, k)
                         : proportional(population, k, static_cast<std::int64_t>(pool.size()));
  for (auto& [name, members] : groups) {
    std::sort(members.begin(), members.end(), by_u);
    const std::int64_t k_h = quota.at(name);
    const double pi = static_cast<double>(k_h) / static_cast<double>(members.size());
    selection.strata[name] = {static_cast<std::int64_t>(members.size()), k_h};
    for (std::int64_t i = 0; i < k_h; ++i) {
      const Entry* entry = members[static_cast<std::size_t>(i)];
      selection.chosen[entry->first] = TraceSample{pi, "stratified", name, entry->second.u};
      ++selection.sampled;
    }
  }
}

SampleSelection TraceSampler::select() const
{
  SampleSelection selection;
  selection.traces_seen = static_cast<std::int64_t>(m_traces.size());
  std::vector<const Entry*> pool;
  for (const Entry& entry : m_traces) {
    const TraceKey& key = entry.second;
    if (!key.eligible) {
      continue;
    }
    ++selection.traces_eligible;
    if (m_spec.always_errors && key.error) {
      selection.chosen[entry.first] = TraceSample{1.0, "always:errors", key.stratum, key.u};
      ++selection.forced;
      continue;
    }
    pool.push_back(&entry);
  }
  if (m_spec.stratify != StratifyBy::none) {
    choose_strata(pool, selection);
    return selection;
  }
  std::sort(pool.begin(), pool.end(), by_u);
  std::size_t keep = pool.size();
  double pi = 1.0;
  std::string reason = "all";
  if (m_spec.rate) {
    keep = static_cast<std::size_t>(
        std::partition_point(pool.begin(), pool.end(),
                             [&](const Entry* e) { return e->second.u < *m_spec.rate; }) -
        pool.begin());
    pi = *m_spec.rate;
    reason = "rate";
  } else if (m_spec.size) {
    keep = std::min(pool.size(), static_cast<std::size_t>(*m_spec.size));
    pi = keep < pool.size() ? pool[keep]->second.u : 1.0;
    selection.threshold = pi;
    reason = "bottom-k";
  }
  for (std::size_t i = 0; i < keep; ++i) {
    selection.chosen[pool[i]->first] = TraceSample{pi, reason, pool[i]->second.stratum, pool[i]->second.u};
    ++selection.sampled;
  }
  return selection;
}

} // namespace evalgate::traces
