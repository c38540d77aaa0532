#pragma once
// traces/id_sampler: the sampler for the specs whose decision depends on the trace id alone
// (--sample-rate, or no sampling rule, without --where, --stratify-by or --always): u < rate keeps a
// trace whatever its other records say, so `traces score` decides per record while reading, in one
// pass, instead of observing every trace first. select() gives exactly what TraceSampler::select()
// gives for the same spec and records. keep() is thread-safe (the chunked reader's workers call it).

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/trace_record.hpp"
#include "traces/trace_sampler.hpp"

namespace evalgate::traces {

// True when IdSampler can stand in for TraceSampler with this spec.
bool decided_by_trace_id(const SampleSpec& spec);

class IdSampler {
public:
  explicit IdSampler(SampleSpec spec);

  // Notes a record's trace (its sampling_id) as seen and says whether the trace is sampled.
  bool keep(std::string_view trace_id_norm);
  SampleSelection select() const;

private:
  SampleSpec m_spec;
  mutable std::mutex m_mutex;
  struct IdHash {
    using is_transparent = void; // looked up by string_view: no string built per record
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  std::unordered_map<std::string, double, IdHash, std::equal_to<>> m_u; // id -> u, every trace seen
};

} // namespace evalgate::traces
