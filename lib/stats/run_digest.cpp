#include "stats/run_digest.hpp"

#include <algorithm>
#include <cmath>

namespace evalgate {

namespace {

// Standard deviation (n − 1) of a case's repeat values; 0 with fewer than two.
double sample_stddev(const std::vector<double>& values)
{
  if (values.size() < 2) {
    return 0;
  }
  double mean = 0;
  for (double v : values) {
    mean += v;
  }
  mean /= static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) {
    squares += (v - mean) * (v - mean);
  }
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

} // namespace

// Case ids are appended to chunks of this size (a longer id gets a chunk of its own).
constexpr std::size_t k_id_chunk_bytes = 64 * 1024;
// The case count a digest trusts for sizing up front; a larger run grows as needed.
constexpr std::int64_t k_max_case_hint = 1 << 22;

namespace {

// A packed cell: scored (0..7) in bits 5-7, passes (0..7) in bits 2-4, errors (0..3) in bits 0-1;
// its sum is its pass count. 0 is the empty cell; 255 (7, 7, 3) is never packed: it marks the
// dense form.
constexpr std::uint32_t k_max_packed_scored = 7;
constexpr std::uint32_t k_max_packed_errors = 3;

bool packable(double sum, std::uint32_t scored, std::uint32_t passes, std::uint32_t errors)
{
  // The sum must come back bit for bit: an exact small integer, and not -0.0.
  return scored <= k_max_packed_scored && passes <= scored && errors <= k_max_packed_errors &&
         !(scored == k_max_packed_scored && passes == k_max_packed_scored && errors == k_max_packed_errors) &&
         sum == static_cast<double>(passes) && !std::signbit(sum);
}

} // namespace

RunDigest::Cell RunDigest::Cells::get(std::uint32_t slot) const
{
  if (slot >= codes.size()) {
    return {};
  }
  const std::uint8_t code = codes[slot];
  if (code != k_dense) {
    const std::uint32_t passes = (code >> 2) & 7U;
    return {static_cast<double>(passes), static_cast<std::uint32_t>(code >> 5), passes, code & 3U};
  }
  const auto& c = counts[slot];
  if (c[0] == 255) {
    return wide.at(slot);
  }
  return {sums[slot], c[0], c[1], c[2]};
}

void RunDigest::Cells::put(std::uint32_t slot, const Cell& cell)
{
  if (slot >= codes.size()) {
    if (codes.capacity() < hint) {
      codes.reserve(hint);
    }
    codes.resize(slot + 1, 0); // within the reserved case count, no reallocation
  }
  std::uint8_t& code = codes[slot];
  if (code != k_dense && packable(cell.sum, cell.scored, cell.passes, cell.errors)) {
    code = static_cast<std::uint8_t>((cell.scored << 5) | (cell.passes << 2) | cell.errors);
    return;
  }
  code = k_dense;
  if (slot >= sums.size()) {
    if (sums.capacity() < hint) {
      sums.reserve(hint);
      counts.reserve(hint);
    }
    sums.resize(slot + 1, 0.0);
    counts.resize(slot + 1, {0, 0, 0});
  }
  auto& c = counts[slot];
  if (c[0] != 255 && cell.scored < 255 && cell.passes < 255 && cell.errors < 255) {
    sums[slot] = cell.sum;
    c = {static_cast<std::uint8_t>(cell.scored), static_cast<std::uint8_t>(cell.passes),
         static_cast<std::uint8_t>(cell.errors)};
    return;
  }
  c[0] = 255;
  wide[slot] = cell;
}

RunDigest::RunDigest(const RunInfo& info)
    : m_run_id(info.id), m_seed(info.seed),
      m_case_hint(static_cast<std::size_t>(std::clamp<std::int64_t>(info.case_count, 0, k_max_case_hint)))
{
  m_case_ids.reserve(m_case_hint);
  std::size_t buckets = 16;
  while (buckets < 2 * m_case_hint) {
    buckets *= 2;
  }
  m_case_index.assign(buckets, 0);
  for (const Candidate& candidate : info.candidates) {
    candidate_index(candidate.id);
  }
}

std::size_t RunDigest::candidate_index(const std::string& id)
{
  auto [it, inserted] = m_candidate_index.emplace(id, m_candidates.size());
  if (inserted) {
    m_candidates.push_back(id);
    m_totals.emplace_back();
  }
  return it->second;
}

std::uint32_t RunDigest::case_slot(const std::string& id)
{
  const std::size_t mask = m_case_index.size() - 1;
  std::size_t at = std::hash<std::string_view>{}(id)&mask;
  for (; m_case_index[at] != 0; at = (at + 1) & mask) {
    if (m_case_ids[m_case_index[at] - 1] == id) {
      return m_case_index[at] - 1;
    }
  }
  if (m_id_chunks.empty() || m_id_chunks.back().capacity() - m_id_chunks.back().size() < id.size()) {
    m_id_chunks.emplace_back();
    m_id_chunks.back().reserve(std::max(k_id_chunk_bytes, id.size()));
  }
  std::string& chunk = m_id_chunks.back();
  const std::size_t offset = chunk.size();
  chunk.append(id); // within capacity: the chunk's earlier views stay valid
  const auto slot = static_cast<std::uint32_t>(m_case_ids.size());
  m_case_ids.push_back(std::string_view(chunk).substr(offset, id.size()));
  m_case_index[at] = slot + 1;
  if (2 * m_case_ids.size() > m_case_index.size()) {
    // More cases than the run said: double the index and place every id again.
    m_case_index.assign(m_case_index.size() * 2, 0);
    const std::size_t wider = m_case_index.size() - 1;
    for (std::uint32_t i = 0; i < m_case_ids.size(); ++i) {
      std::size_t pos = std::hash<std::string_view>{}(m_case_ids[i]) & wider;
      while (m_case_index[pos] != 0) {
        pos = (pos + 1) & wider;
      }
      m_case_index[pos] = i + 1;
    }
  }
  return slot;
}

void RunDigest::add_error(FailureKind kind, const std::string& metric, const std::string& message)
{
  auto [it, inserted] = m_error_index.emplace(std::make_tuple(kind, metric, message), m_errors.size());
  if (inserted) {
    m_errors.push_back({kind, metric, message, 0});
  }
  ++m_errors[it->second].count;
}

void RunDigest::add_score(std::size_t candidate, std::uint32_t slot, const Score& score)
{
  CandidateTotals& totals = m_totals[candidate];
  auto [it, inserted] = totals.column_of.emplace(score.metric, totals.columns.size());
  if (inserted) {
    Column fresh;
    fresh.metric = score.metric;
    fresh.summary.candidate_id = m_candidates[candidate];
    fresh.summary.metric = score.metric;
    fresh.cells.hint = m_case_hint;
    totals.columns.push_back(std::move(fresh));
  }
  Column& column = totals.columns[it->second];
  Cell cell = column.cells.get(slot);
  ++column.summary.n;
  if (score.errored()) {
    ++column.summary.errors;
    ++cell.errors;
    column.cells.put(slot, cell);
    return; // an errored score never passes and its value is meaningless
  }
  column.value_sum += score.value;
  column.summary.passes += score.pass ? 1 : 0;
  if (cell.scored == 1) {
    column.repeat_values[slot] = {cell.sum, score.value};
  } else if (cell.scored > 1) {
    column.repeat_values[slot].push_back(score.value);
  }
  ++cell.scored;
  cell.sum += score.value;
  cell.passes += score.pass ? 1 : 0;
  column.cells.put(slot, cell);
}

void RunDigest::add(const ScoredTrial& scored)
{
  const Trial& trial = scored.trial;
  const std::size_t c = candidate_index(trial.candidate_id);
  CandidateTotals& totals = m_totals[c];
  ++m_trials;
  ++totals.trials;
  if (!trial.ok()) {
    ++totals.failed;
    ++totals.failure_kinds[trial.failure];
    add_error(trial.failure, "", trial.error);
  }
  totals.prompt_tokens += trial.usage.prompt_tokens;
  totals.completion_tokens += trial.usage.completion_tokens;
  totals.cost_usd += trial.cost_usd.value_or(0);
  totals.unknown_cost_trials += trial.cost_usd ? 0 : 1;
  totals.cache_hits += trial.cache_hit ? 1 : 0;
  for (const Score& score : scored.scores) {
    totals.cost_usd += score.cost_usd;
    totals.known_cost_usd += score.cost_usd;
    if (score.errored()) {
      add_error(FailureKind::none, score.metric, score.error);
    }
  }
  if (!trial.ok()) {
    return; // failed trials carry no scores that count, and no latency
  }
  ++totals.ok;
  totals.latency_sum += trial.latency_ms;
  totals.latency.push_back(trial.latency_ms);
  totals.tokens.push_back(static_cast<double>(trial.usage.total_tokens));
  if (trial.cost_usd) {
    totals.cost.push_back(*trial.cost_usd);
    totals.known_cost_usd += *trial.cost_usd;
  } else {
    ++totals.cost_unknown_ok;
  }
  const std::uint32_t slot = case_slot(trial.case_id);
  for (const Score& score : scored.scores) {
    add_score(c, slot, score);
  }
}

std::vector<MetricSummary> RunDigest::metric_summaries() const
{
  std::vector<MetricSummary> out;
  for (const CandidateTotals& totals : m_totals) {
    for (const Column& column : totals.columns) {
      MetricSummary s = column.summary;
      const std::int64_t valued = s.n - s.errors;
      s.mean = valued > 0 ? column.value_sum / static_cast<double>(valued) : 0.0;
      s.pass_rate = s.n > 0 ? static_cast<double>(s.passes) / static_cast<double>(s.n) : 0.0;
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::vector<CandidateSummary> RunDigest::candidate_summaries() const
{
  std::vector<CandidateSummary> out(m_candidates.size());
  for (std::size_t c = 0; c < out.size(); ++c) {
    const CandidateTotals& t = m_totals[c];
    CandidateSummary& s = out[c];
    s.candidate_id = m_candidates[c];
    s.trials = t.trials;
    s.failed_trials = t.failed;
    s.error_rate = t.trials > 0 ? static_cast<double>(t.failed) / static_cast<double>(t.trials) : 0.0;
    s.mean_latency_ms = t.ok > 0 ? t.latency_sum / static_cast<double>(t.ok) : 0.0;
    s.prompt_tokens = t.prompt_tokens;
    s.completion_tokens = t.completion_tokens;
    s.cost_usd = t.cost_usd;
    s.unknown_cost_trials = t.unknown_cost_trials;
    s.cache_hits = t.cache_hits;
  }
  return out;
}

std::vector<std::uint32_t> RunDigest::slots_by_id() const
{
  std::vector<std::uint32_t> slots(m_case_ids.size());
  for (std::uint32_t i = 0; i < slots.size(); ++i) {
    slots[i] = i;
  }
  // case_table's std::map order, so sums over cases add up in the same order.
  std::sort(slots.begin(), slots.end(),
            [this](std::uint32_t a, std::uint32_t b) { return m_case_ids[a] < m_case_ids[b]; });
  return slots;
}

std::vector<MetricStats> RunDigest::metric_stats(int resamples) const
{
  const std::vector<std::uint32_t> order = slots_by_id();
  std::vector<MetricStats> out;
  std::vector<std::vector<double>> case_means_of; // per entry of `out`, for the intervals at the end
  const std::vector<MetricSummary> summaries = metric_summaries();
  std::size_t next = 0;
  for (const CandidateTotals& totals : m_totals) {
    for (const Column& column : totals.columns) {
      const MetricSummary& summary = summaries[next++];
      MetricStats s;
      s.candidate_id = summary.candidate_id;
      s.metric = summary.metric;
      s.mean = summary.mean;
      s.passes = summary.passes;
      s.n = summary.n;
      s.pass_interval = wilson_interval(summary.passes, summary.n);
      std::vector<double> case_means;
      double stddev_sum = 0;
      std::int64_t valued_cases = 0;
      for (std::uint32_t slot : order) {
        const Cell cell = column.cells.get(slot);
        if (cell.repeats() == 0) {
          continue;
        }
        ++s.cases;
        if (cell.scored > 0) {
          case_means.push_back(cell.sum / cell.scored);
          ++valued_cases;
        }
        if (cell.repeats() >= 2 && cell.passes > 0 && cell.passes < cell.repeats()) {
          s.flaky_cases.emplace_back(m_case_ids[slot]);
        }
        if (cell.scored >= 2) {
          stddev_sum += sample_stddev(column.repeat_values.at(slot));
        }
      }
      if (valued_cases > 0) {
        s.mean_stddev = stddev_sum / static_cast<double>(valued_cases);
      }
      s.flaky_rate =
          s.cases > 0 ? static_cast<double>(s.flaky_cases.size()) / static_cast<double>(s.cases) : 0.0;
      case_means_of.push_back(std::move(case_means));
      out.push_back(std::move(s));
    }
  }
  // Cases, not trials, are the independent units: resampling repeats of one case as if they
  // were separate cases would narrow the interval falsely. All at once, so metrics with the same
  // number of cases share one stream of draws (same numbers as one bootstrap_mean_interval each).
  std::vector<const std::vector<double>*> columns;
  columns.reserve(case_means_of.size());
  for (const auto& means : case_means_of) {
    columns.push_back(&means);
  }
  const std::vector<Interval> intervals = bootstrap_mean_intervals(columns, m_seed, 0.95, resamples);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].mean_interval = intervals[i];
  }
  return out;
}

std::vector<CandidateStats> RunDigest::candidate_stats() const
{
  std::vector<CandidateStats> out(m_candidates.size());
  for (std::size_t c = 0; c < out.size(); ++c) {
    const CandidateTotals& t = m_totals[c];
    CandidateStats& s = out[c];
    s.candidate_id = m_candidates[c];
    s.known_cost_usd = t.known_cost_usd;
    s.cost_unknown = t.cost_unknown_ok;
    s.ok_trials = t.ok;
    s.latency_ms = percentiles_of(t.latency);
    s.total_tokens = percentiles_of(t.tokens);
    s.cost_usd = percentiles_of(t.cost);
  }
  return out;
}

const RunDigest::CandidateTotals* RunDigest::find(const std::string& candidate_id) const
{
  auto found = m_candidate_index.find(candidate_id);
  return found == m_candidate_index.end() ? nullptr : &m_totals[found->second];
}

std::map<FailureKind, std::int64_t> RunDigest::failure_kinds(const std::string& candidate_id) const
{
  const CandidateTotals* t = find(candidate_id);
  return t == nullptr ? std::map<FailureKind, std::int64_t>{} : t->failure_kinds;
}

std::int64_t RunDigest::trials_of(const std::string& candidate_id) const
{
  const CandidateTotals* t = find(candidate_id);
  return t == nullptr ? 0 : t->trials;
}

std::int64_t RunDigest::failed_trials_of(const std::string& candidate_id) const
{
  const CandidateTotals* t = find(candidate_id);
  return t == nullptr ? 0 : t->failed;
}

std::vector<double> RunDigest::ok_latencies(const std::string& candidate_id) const
{
  const CandidateTotals* t = find(candidate_id);
  return t == nullptr ? std::vector<double>{} : t->latency;
}

std::optional<std::map<std::string, CaseValue>> RunDigest::case_values(const std::string& candidate_id,
                                                                       const std::string& metric) const
{
  const CandidateTotals* t = find(candidate_id);
  if (t == nullptr) {
    return std::nullopt;
  }
  auto column = t->column_of.find(metric);
  if (column == t->column_of.end()) {
    return std::nullopt;
  }
  std::map<std::string, CaseValue> out;
  const Cells& cells = t->columns[column->second].cells;
  for (std::uint32_t slot = 0; slot < cells.size(); ++slot) {
    const Cell cell = cells.get(slot);
    if (cell.repeats() == 0) {
      continue;
    }
    CaseValue& v = out[std::string(m_case_ids[slot])];
    v.scored = static_cast<int>(cell.scored);
    v.passes = static_cast<int>(cell.passes);
    v.errors = static_cast<int>(cell.errors);
    v.value = cell.scored > 0 ? cell.sum / cell.scored : 0.0;
    v.pass = cell.errors == 0 && cell.passes == cell.scored && cell.scored > 0;
  }
  return out;
}

CaseTable RunDigest::case_table() const
{
  CaseTable table;
  table.source = m_run_id;
  table.seed = m_seed;
  for (std::size_t c = 0; c < m_candidates.size(); ++c) {
    const CandidateTotals& t = m_totals[c];
    if (t.ok == 0) {
      continue; // case_table(run) lists a candidate once it has an ok trial
    }
    MetricCases& metrics = table.candidates[m_candidates[c]];
    for (const Column& column : t.columns) {
      metrics[column.metric] = std::move(case_values(m_candidates[c], column.metric)).value();
    }
  }
  return table;
}

RunDigest digest_of(const RunData& run)
{
  RunDigest digest(run.info);
  for (const ScoredTrial& scored : run.trials) {
    digest.add(scored);
  }
  return digest;
}

} // namespace evalgate
