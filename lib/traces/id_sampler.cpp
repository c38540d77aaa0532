#include "traces/id_sampler.hpp"

namespace evalgate::traces {

bool decided_by_trace_id(const SampleSpec& spec)
{
  return !spec.size && spec.stratify == StratifyBy::none && spec.where.empty() && !spec.always_errors;
}

IdSampler::IdSampler(SampleSpec spec) : m_spec(std::move(spec)) {}

bool IdSampler::keep(std::string_view trace_id_norm)
{
  double u = 0;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto found = m_u.find(trace_id_norm);
    if (found == m_u.end()) {
      found = m_u.emplace(std::string(trace_id_norm), trace_hash_u(m_spec.salt, trace_id_norm)).first;
    }
    u = found->second;
  }
  return !m_spec.rate || u < *m_spec.rate;
}

SampleSelection IdSampler::select() const
{
  std::lock_guard<std::mutex> lock(m_mutex);
  SampleSelection selection;
  selection.traces_seen = static_cast<std::int64_t>(m_u.size());
  selection.traces_eligible = selection.traces_seen;
  for (const auto& [id, u] : m_u) {
    if (m_spec.rate && !(u < *m_spec.rate)) {
      continue;
    }
    selection.chosen[id] =
        m_spec.rate ? TraceSample{*m_spec.rate, "rate", "", u} : TraceSample{1.0, "all", "", u};
    ++selection.sampled;
  }
  return selection;
}

} // namespace evalgate::traces
