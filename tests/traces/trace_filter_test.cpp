#include <doctest/doctest.h>

#include "traces/trace_filter.hpp"

using namespace evalgate;
using namespace evalgate::traces;

TEST_CASE("ISO times parse to nanoseconds since the epoch, with dates, fractions and offsets")
{
  CHECK(*parse_iso_time("1970-01-02") == 86400LL * 1'000'000'000);
  CHECK(*parse_iso_time("2026-08-01T12:00:00Z") == 1785585600LL * 1'000'000'000);
  CHECK(*parse_iso_time("2026-08-01T14:00:00.5+02:00") == 1785585600LL * 1'000'000'000 + 500'000'000);
  CHECK(parse_iso_time("yesterday").error().message ==
        "'yesterday' is not an ISO-8601 time; expected e.g. 2026-08-01 or 2026-08-01T12:00:00Z");
  CHECK_FALSE(parse_iso_time("2026-02-30"));
}

TEST_CASE("where conditions are ANDed on one record")
{
  TraceRecord r;
  r.model = "gpt-4o";
  r.name = "chat";
  r.status = TraceStatus::error;
  r.start_unix_nano = *parse_iso_time("2026-08-10T00:00:00Z");
  r.metadata = {{"raw.app.route", "/refunds"}, {"tier", 2}};
  auto where = [](std::initializer_list<const char*> texts) {
    std::vector<WhereCondition> out;
    for (const char* text : texts) {
      out.push_back(*parse_where(text));
    }
    return out;
  };
  CHECK(record_matches(r, where({"model=gpt-4o", "status=error", "attribute:app.route=/refunds"})));
  CHECK(record_matches(r, where({"since=2026-08-10", "until=2026-08-11", "attribute:tier=2", "name=chat"})));
  CHECK_FALSE(record_matches(r, where({"model=gpt-4o", "status=ok"})));
  CHECK_FALSE(record_matches(r, where({"until=2026-08-10"})));
  CHECK_FALSE(record_matches(r, where({"attribute:missing=x"})));
}

TEST_CASE("a malformed --where says what was expected")
{
  CHECK(parse_where("colour=red").error().message == "--where 'colour=red': unknown key 'colour'; expected "
                                                     "model, name, status, since, until or attribute:KEY");
  CHECK(parse_where("model").error().message ==
        "--where 'model': expected KEY=VALUE, e.g. model=gpt-4o or attribute:app.route=/refunds");
  CHECK(parse_where("status=failed").error().message ==
        "--where 'status=failed': status must be ok, error or unset");
  CHECK(parse_where("since=soon").error().category == ErrorCategory::usage);
}
