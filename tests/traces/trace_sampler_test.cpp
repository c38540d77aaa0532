#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "traces/trace_sampler.hpp"

using namespace evalgate;
using namespace evalgate::traces;

namespace {

std::string hex_id(int i)
{
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%016x%016x", static_cast<unsigned>(i * 2654435761u), i);
  return buffer;
}

// RFC 4122 v4-shaped ids: the variant nibble fixed, as in LangSmith exports (traces.md §8.1).
std::string uuid_id(int i)
{
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%08x-%04x-4%03x-a%03x-%012x", static_cast<unsigned>(i * 40503u),
                i & 0xffff, i & 0xfff, (i >> 4) & 0xfff, i);
  return buffer;
}

TraceRecord record(const std::string& trace_id, const std::string& model = "m",
                   TraceStatus status = TraceStatus::ok)
{
  TraceRecord r;
  r.trace_id = trace_id;
  r.span_id = "s";
  r.kind = TraceKind::llm;
  r.model = model;
  r.name = "chat";
  r.status = status;
  return r;
}

SampleSelection sample(const SampleSpec& spec, const std::vector<TraceRecord>& records)
{
  TraceSampler sampler(spec);
  for (const auto& r : records) {
    sampler.observe(r);
  }
  return sampler.select();
}

std::set<std::string> chosen_ids(const SampleSelection& selection)
{
  std::set<std::string> ids;
  for (const auto& [id, s] : selection.chosen) {
    ids.insert(id);
  }
  return ids;
}

std::vector<TraceRecord> population(int n, bool uuids)
{
  std::vector<TraceRecord> records;
  records.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    records.push_back(record(uuids ? uuid_id(i) : hex_id(i)));
  }
  return records;
}

} // namespace

TEST_CASE("the hash with Langfuse's domain string reproduces Langfuse's rho for the fixture ids")
{
  const std::string salt = "langfuse:evaluation-sampling:v1";
  CHECK(trace_hash_u(salt, "7f3c9a1e5b2d48c6309e1f4b6d2c8e31") ==
        doctest::Approx(0.6390872862857785).epsilon(1e-12));
  CHECK(trace_hash_u(salt, "9e1b3d5f7a0c4e6812d4f6a8c0e2b4d6") ==
        doctest::Approx(0.019196695254468987).epsilon(1e-12));
  CHECK(trace_hash_u(salt, "1e7b9c3d-5a2f-4c8e-b6d0-9f1a3e5c7b20") ==
        doctest::Approx(0.7578667460428226).epsilon(1e-12));
}

TEST_CASE("rate sampling picks the same traces on every rerun and a different salt draws another sample")
{
  auto records = population(2000, false);
  SampleSpec spec;
  spec.rate = 0.1;
  const auto first = chosen_ids(sample(spec, records));
  const auto again = chosen_ids(sample(spec, records));
  CHECK(first == again);
  spec.salt = "another gate";
  CHECK(chosen_ids(sample(spec, records)) != first);
}

TEST_CASE("a higher rate keeps a superset of a lower rate's traces, and bottom-k nests in k")
{
  auto records = population(5000, true);
  SampleSpec low;
  low.rate = 0.05;
  SampleSpec high;
  high.rate = 0.2;
  const auto small = chosen_ids(sample(low, records));
  const auto large = chosen_ids(sample(high, records));
  CHECK(std::includes(large.begin(), large.end(), small.begin(), small.end()));
  SampleSpec k10;
  k10.size = 10;
  SampleSpec k50;
  k50.size = 50;
  const auto ten = chosen_ids(sample(k10, records));
  const auto fifty = chosen_ids(sample(k50, records));
  CHECK(ten.size() == 10);
  CHECK(fifty.size() == 50);
  CHECK(std::includes(fifty.begin(), fifty.end(), ten.begin(), ten.end()));
}

TEST_CASE("rate sampling keeps the asked proportion of 100,000 W3C and UUID ids within tolerance")
{
  for (bool uuids : {false, true}) {
    auto records = population(100000, uuids);
    for (double p : {0.01, 0.1, 0.5}) {
      SampleSpec spec;
      spec.rate = p;
      const auto selection = sample(spec, records);
      const double observed = static_cast<double>(selection.sampled) / 100000.0;
      // 4 binomial standard deviations: fails by chance about once in 15,000 runs, and the
      // hash is deterministic, so it either always passes or never.
      const double tolerance = 4 * std::sqrt(p * (1 - p) / 100000.0);
      CAPTURE(uuids);
      CAPTURE(p);
      CHECK(std::abs(observed - p) < tolerance);
      for (const auto& [id, s] : selection.chosen) {
        CHECK(s.reason == "rate");
        CHECK(s.inclusion_prob == p);
        CHECK(s.u < p);
      }
    }
  }
}

TEST_CASE("bottom-k records the (k+1)-th smallest hash as the inclusion probability")
{
  auto records = population(1000, false);
  SampleSpec spec;
  spec.size = 100;
  const auto selection = sample(spec, records);
  REQUIRE(selection.threshold);
  CHECK(*selection.threshold == doctest::Approx(0.1).epsilon(0.35));
  double largest_kept = 0;
  for (const auto& [id, s] : selection.chosen) {
    CHECK(s.reason == "bottom-k");
    CHECK(s.inclusion_prob == *selection.threshold);
    largest_kept = std::max(largest_kept, s.u);
  }
  CHECK(largest_kept < *selection.threshold);
  spec.size = 5000;
  const auto all = sample(spec, records);
  CHECK(all.sampled == 1000);
  CHECK(all.chosen.begin()->second.inclusion_prob == 1.0);
}

TEST_CASE("records of one trace spread over many lines count as one trace")
{
  std::vector<TraceRecord> records{record("AB"), record("ab"), record("cd")};
  const auto selection = sample(SampleSpec{}, records);
  CHECK(selection.traces_seen == 2);
  CHECK(selection.sampled == 2);
  CHECK(selection.chosen.at("ab").reason == "all");
}

TEST_CASE("proportional allocation gives strata their share of k and π = k_h / N_h")
{
  std::vector<TraceRecord> records;
  for (int i = 0; i < 600; ++i) {
    records.push_back(record(hex_id(i), "big"));
  }
  for (int i = 600; i < 800; ++i) {
    records.push_back(record(hex_id(i), "mid"));
  }
  for (int i = 800; i < 810; ++i) {
    records.push_back(record(hex_id(i), "rare"));
  }
  SampleSpec spec;
  spec.size = 81;
  spec.stratify = StratifyBy::model;
  const auto selection = sample(spec, records);
  CHECK(selection.sampled == 81);
  CHECK(selection.strata.at("big").sampled == 60);
  CHECK(selection.strata.at("mid").sampled == 20);
  CHECK(selection.strata.at("rare").sampled == 1);
  int rare = 0;
  for (const auto& [id, s] : selection.chosen) {
    CHECK(s.reason == "stratified");
    if (s.stratum == "rare") {
      ++rare;
      CHECK(s.inclusion_prob == doctest::Approx(0.1));
    }
    if (s.stratum == "big") {
      CHECK(s.inclusion_prob == doctest::Approx(0.1));
    }
  }
  CHECK(rare == 1);
}

TEST_CASE(
    "equal allocation gives every stratum the same k_h and hands a small stratum's leftover to the rest")
{
  std::vector<TraceRecord> records;
  for (int i = 0; i < 600; ++i) {
    records.push_back(record(hex_id(i), "big"));
  }
  for (int i = 600; i < 800; ++i) {
    records.push_back(record(hex_id(i), "mid"));
  }
  for (int i = 800; i < 805; ++i) {
    records.push_back(record(hex_id(i), "rare"));
  }
  SampleSpec spec;
  spec.size = 45;
  spec.stratify = StratifyBy::model;
  spec.allocation = Allocation::equal;
  const auto selection = sample(spec, records);
  CHECK(selection.sampled == 45);
  CHECK(selection.strata.at("rare").sampled == 5);
  CHECK(selection.strata.at("big").sampled == 20);
  CHECK(selection.strata.at("mid").sampled == 20);
  CHECK(selection.strata.at("rare").population == 5);
}

TEST_CASE("stratifying by name uses the root span's name even when a child comes first")
{
  TraceRecord child = record("t1");
  child.parent_span_id = "root";
  child.name = "chat gpt";
  TraceRecord root = record("t1");
  root.name = "/refunds";
  root.kind = TraceKind::agent;
  SampleSpec spec;
  spec.size = 1;
  spec.stratify = StratifyBy::name;
  const auto selection = sample(spec, {child, root});
  CHECK(selection.chosen.at("t1").stratum == "/refunds");
}

TEST_CASE("--where keeps only traces with a matching record, and --always errors forces failed traces in")
{
  std::vector<TraceRecord> records;
  for (int i = 0; i < 400; ++i) {
    records.push_back(record(hex_id(i), i % 2 == 0 ? "gpt-4o" : "claude",
                             i % 10 == 0 ? TraceStatus::error : TraceStatus::ok));
  }
  SampleSpec spec;
  spec.where.push_back(*parse_where("model=gpt-4o"));
  spec.rate = 0.1;
  spec.always_errors = true;
  const auto selection = sample(spec, records);
  CHECK(selection.traces_seen == 400);
  CHECK(selection.traces_eligible == 200);
  CHECK(selection.forced == 40);
  int forced = 0;
  for (const auto& [id, s] : selection.chosen) {
    if (s.reason == "always:errors") {
      ++forced;
      CHECK(s.inclusion_prob == 1.0);
    } else {
      CHECK(s.reason == "rate");
    }
  }
  CHECK(forced == 40);
  CHECK(selection.sampled + selection.forced == static_cast<std::int64_t>(selection.chosen.size()));
}

TEST_CASE("sampling flags that contradict each other are usage errors")
{
  SampleSpec spec;
  spec.rate = 0.1;
  spec.size = 10;
  CHECK(validate_sample_spec(spec).error().message == "give --sample-rate or --sample-size, not both");
  SampleSpec zero;
  zero.rate = 0;
  CHECK(validate_sample_spec(zero).error().message == "--sample-rate must be in (0, 1], got 0.000000");
  SampleSpec strata;
  CHECK(parse_stratify("attribute:app.route", strata));
  CHECK(strata.stratify_key == "app.route");
  CHECK(validate_sample_spec(strata).error().message ==
        "--stratify-by needs --sample-size (the total to allocate over strata)");
  CHECK(parse_stratify("colour", strata).error().message ==
        "--stratify-by must be model, name or attribute:KEY, got 'colour'");
}
