#pragma once
// traces/trace_sampler: which traces of an export get scored (shared/reference/traces.md §8,
// docs/traces.md "Sampling"). The unit is the whole trace: every decision depends only on
// u = SHA-256(salt ‖ 0x00 ‖ trace_id_norm), top 53 bits / 2^53, so reruns pick the same traces on
// any machine, a higher rate picks a superset (nested), and UUID ids sample as well as W3C ids.
//
// Pass 1 of `traces score` feeds every record to observe(); the sampler keeps one small key per
// trace (u, stratum, error flag, whether a record passed --where), never the records, so memory
// is proportional to the number of traces, not to the file size. select() then decides:
//   * must-include first: with always_errors, every eligible trace with an error record (π = 1,
//     reason "always:errors"), reported separately;
//   * then over the remaining eligible traces: rate p keeps u < p (π = p, "rate"); size k keeps the
//     k smallest u ("bottom-k", π ≈ τ = the (k+1)-th smallest u, 1 when all are kept); stratified
//     allocates k over strata (proportional k·N_h/N by largest remainder, or equal with the
//     leftover of small strata redistributed) and keeps the k_h smallest u inside each
//     (π = k_h / N_h, "stratified"); no rule keeps all (π = 1, "all").
// Not thread-safe; one sampler per command.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "core/trace_record.hpp"
#include "traces/trace_filter.hpp"

namespace evalgate::traces {

inline constexpr const char* k_default_salt = "evalgate:trace-sampling:v1";

// u in [0, 1): SHA-256 of salt, one zero byte, then the id; the first 8 bytes big-endian >> 11,
// divided by 2^53. With salt "langfuse:evaluation-sampling:v1" this is Langfuse's ρ.
double trace_hash_u(std::string_view salt, std::string_view trace_id_norm);

enum class StratifyBy { none, model, name, attribute };
enum class Allocation { proportional, equal };

struct SampleSpec {
  std::optional<double> rate;       // (0, 1]
  std::optional<std::int64_t> size; // > 0
  StratifyBy stratify = StratifyBy::none;
  std::string stratify_key; // the attribute for StratifyBy::attribute
  Allocation allocation = Allocation::proportional;
  bool always_errors = false;
  std::string salt = k_default_salt;
  std::vector<WhereCondition> where;
};

// Errors (usage): rate outside (0, 1], size < 1, rate together with size, stratify without size,
// an empty salt.
Result<void> validate_sample_spec(const SampleSpec& spec);

// "--stratify-by" values: model, name, attribute:KEY. Errors (usage) list them.
Result<void> parse_stratify(const std::string& text, SampleSpec& spec);

struct StratumCount {
  std::int64_t population = 0; // N_h: eligible traces in the stratum, must-include ones excluded
  std::int64_t sampled = 0;    // k_h
};

struct SampleSelection {
  std::unordered_map<std::string, TraceSample> chosen; // by trace_id_norm
  std::int64_t traces_seen = 0;
  std::int64_t traces_eligible = 0; // passed --where
  std::int64_t forced = 0;          // chosen by always:errors
  std::int64_t sampled = 0;         // chosen by rate / bottom-k / stratified / all
  std::optional<double> threshold;  // bottom-k: τ
  std::map<std::string, StratumCount> strata;
};

// Whether observe() reads records' metadata (attribute:KEY in --where or --stratify-by); when not,
// pass 1 can read with ReadOptions::sampler_fields_only.
bool observes_metadata(const SampleSpec& spec);

// The trace id the sampler uses: the record's trace_id_norm, else its trace_id lowercased.
std::string sampling_id(const TraceRecord& record);

class TraceSampler {
public:
  explicit TraceSampler(SampleSpec spec);

  void observe(const TraceRecord& record);
  SampleSelection select() const;
  const SampleSpec& spec() const { return m_spec; }

  // Pass-1 state of one trace (public only so the implementation's helpers can name it).
  struct TraceKey {
    double u = 0;
    std::string stratum;
    int stratum_rank = 0; // how good the stratum source is: a later, better record replaces it
    bool error = false;
    bool eligible = false;
  };

private:
  void choose_strata(const std::vector<const std::pair<const std::string, TraceKey>*>& pool,
                     SampleSelection& selection) const;

  SampleSpec m_spec;
  std::unordered_map<std::string, TraceKey> m_traces;
};

} // namespace evalgate::traces
