#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "traces/id_sampler.hpp"

using namespace evalgate;
using namespace evalgate::traces;

namespace {

// 3,000 traces of 1-3 records each, with W3C ids in either case and UUIDs (dashes, no norm).
std::vector<TraceRecord> records()
{
  std::vector<TraceRecord> out;
  for (int i = 0; i < 3000; ++i) {
    char id[48];
    if (i % 3 == 0) {
      std::snprintf(id, sizeof id, "%08x-%04x-4%03x-a%03x-%012x", static_cast<unsigned>(i * 40503u),
                    i & 0xffff, i & 0xfff, (i >> 4) & 0xfff, i);
    } else {
      std::snprintf(id, sizeof id, i % 3 == 1 ? "%016x%016x" : "%016X%016X",
                    static_cast<unsigned>(i * 2654435761u), i);
    }
    for (int span = 0; span <= i % 3; ++span) {
      TraceRecord r;
      r.trace_id = id;
      if (i % 3 != 0) {
        r.trace_id_norm = id;
        for (auto& c : r.trace_id_norm) {
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      r.span_id = std::to_string(span);
      r.kind = span == 0 ? TraceKind::llm : TraceKind::retriever;
      out.push_back(r);
    }
  }
  return out;
}

void check_same_selection(const SampleSpec& spec)
{
  REQUIRE(decided_by_trace_id(spec));
  TraceSampler full(spec);
  IdSampler by_id(spec);
  std::size_t kept_records = 0;
  std::size_t expected_records = 0;
  const auto all = records();
  for (const auto& record : all) {
    full.observe(record);
    kept_records += by_id.keep(sampling_id(record)) ? 1 : 0;
  }
  const SampleSelection expected = full.select();
  const SampleSelection got = by_id.select();
  CHECK(got.traces_seen == expected.traces_seen);
  CHECK(got.traces_eligible == expected.traces_eligible);
  CHECK(got.sampled == expected.sampled);
  CHECK(got.forced == expected.forced);
  CHECK(got.threshold == expected.threshold);
  REQUIRE(got.chosen.size() == expected.chosen.size());
  for (const auto& [id, sample] : expected.chosen) {
    CAPTURE(id);
    auto found = got.chosen.find(id);
    REQUIRE(found != got.chosen.end());
    CHECK(found->second.inclusion_prob == sample.inclusion_prob);
    CHECK(found->second.reason == sample.reason);
    CHECK(found->second.stratum == sample.stratum);
    CHECK(found->second.u == sample.u);
  }
  for (const auto& record : all) {
    expected_records += expected.chosen.count(sampling_id(record));
  }
  CHECK(kept_records == expected_records);
}

} // namespace

TEST_CASE("deciding per record from the trace id selects what the two-pass sampler selects")
{
  SampleSpec rate;
  rate.rate = 0.1;
  check_same_selection(rate);
  SampleSpec salted = rate;
  salted.salt = "langfuse:evaluation-sampling:v1";
  check_same_selection(salted);
  check_same_selection(SampleSpec{}); // no rule: every trace, reason "all"
}

TEST_CASE(
    "only a rate or no rule is decided by the trace id; filters, strata, sizes and --always need the trace")
{
  SampleSpec spec;
  spec.rate = 0.5;
  CHECK(decided_by_trace_id(spec));
  spec.always_errors = true;
  CHECK_FALSE(decided_by_trace_id(spec));
  SampleSpec size;
  size.size = 10;
  CHECK_FALSE(decided_by_trace_id(size));
  SampleSpec where;
  where.where.push_back(*parse_where("model=gpt-4o"));
  CHECK_FALSE(decided_by_trace_id(where));
}

TEST_CASE("the id sampler may be called from two threads at once")
{
  SampleSpec spec;
  spec.rate = 0.2;
  IdSampler shared(spec);
  IdSampler alone(spec);
  const auto all = records();
  std::size_t kept[2] = {0, 0};
  std::thread other([&] {
    for (std::size_t i = 0; i < all.size(); i += 2) {
      kept[0] += shared.keep(sampling_id(all[i])) ? 1 : 0;
    }
  });
  for (std::size_t i = 1; i < all.size(); i += 2) {
    kept[1] += shared.keep(sampling_id(all[i])) ? 1 : 0;
  }
  other.join();
  std::size_t expected = 0;
  for (const auto& record : all) {
    expected += alone.keep(sampling_id(record)) ? 1 : 0;
  }
  CHECK(kept[0] + kept[1] == expected);
  CHECK(shared.select().chosen.size() == alone.select().chosen.size());
}
