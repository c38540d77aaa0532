#include "traces/trace_filter.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace evalgate::traces {

namespace {

Unexpected where_error(const std::string& text, const std::string& why)
{
  return fail(ErrorCategory::usage, "--where '" + text + "': " + why);
}

bool read_digits(const std::string& text, std::size_t& at, int count, int& out)
{
  out = 0;
  for (int i = 0; i < count; ++i, ++at) {
    if (at >= text.size() || std::isdigit(static_cast<unsigned char>(text[at])) == 0) {
      return false;
    }
    out = out * 10 + (text[at] - '0');
  }
  return true;
}

bool expect(const std::string& text, std::size_t& at, char c)
{
  if (at < text.size() && text[at] == c) {
    ++at;
    return true;
  }
  return false;
}

} // namespace

Result<std::int64_t> parse_iso_time(const std::string& text)
{
  const auto bad = [&text] {
    return fail(ErrorCategory::usage,
                "'" + text + "' is not an ISO-8601 time; expected e.g. 2026-08-01 or 2026-08-01T12:00:00Z");
  };
  std::size_t at = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!read_digits(text, at, 4, year) || !expect(text, at, '-') || !read_digits(text, at, 2, month) ||
      !expect(text, at, '-') || !read_digits(text, at, 2, day)) {
    return bad();
  }
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t fraction_nano = 0;
  std::int64_t offset_seconds = 0;
  if (at < text.size()) {
    if (text[at] != 'T' && text[at] != 't' && text[at] != ' ') {
      return bad();
    }
    ++at;
    if (!read_digits(text, at, 2, hour) || !expect(text, at, ':') || !read_digits(text, at, 2, minute)) {
      return bad();
    }
    if (expect(text, at, ':') && !read_digits(text, at, 2, second)) {
      return bad();
    }
    if (expect(text, at, '.')) {
      std::int64_t scale = 100'000'000;
      bool any = false;
      while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) != 0) {
        fraction_nano += (text[at] - '0') * scale;
        scale /= 10;
        ++at;
        any = true;
      }
      if (!any) {
        return bad();
      }
    }
    if (at < text.size()) {
      if (text[at] == 'Z' || text[at] == 'z') {
        ++at;
      } else if (text[at] == '+' || text[at] == '-') {
        const int sign = text[at] == '-' ? -1 : 1;
        ++at;
        int oh = 0;
        int om = 0;
        if (!read_digits(text, at, 2, oh) || !expect(text, at, ':') || !read_digits(text, at, 2, om)) {
          return bad();
        }
        offset_seconds = sign * (oh * 3600 + om * 60);
      }
    }
  }
  if (at != text.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return bad();
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) {
    return bad();
  }
  const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * 1'000'000'000 + fraction_nano;
}

Result<WhereCondition> parse_where(const std::string& text)
{
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    return where_error(text, "expected KEY=VALUE, e.g. model=gpt-4o or attribute:app.route=/refunds");
  }
  const std::string key = text.substr(0, equals);
  WhereCondition condition;
  condition.value = text.substr(equals + 1);
  using Field = WhereCondition::Field;
  if (key == "model") {
    condition.field = Field::model;
  } else if (key == "name") {
    condition.field = Field::name;
  } else if (key == "status") {
    condition.field = Field::status;
    if (condition.value != "ok" && condition.value != "error" && condition.value != "unset") {
      return where_error(text, "status must be ok, error or unset");
    }
  } else if (key == "since" || key == "until") {
    condition.field = key == "since" ? Field::since : Field::until;
    auto time = parse_iso_time(condition.value);
    if (!time) {
      return where_error(text, time.error().message);
    }
    condition.unix_nano = *time;
  } else if (key.rfind("attribute:", 0) == 0 && key.size() > 10) {
    condition.field = Field::attribute;
    condition.key = key.substr(10);
  } else {
    return where_error(text, "unknown key '" + key +
                                 "'; expected model, name, status, since, until or attribute:KEY");
  }
  return condition;
}

std::string attribute_text(const TraceRecord& record, const std::string& key)
{
  const Json& metadata = record.metadata;
  if (!metadata.is_object()) {
    return "";
  }
  auto found = metadata.find(key);
  if (found == metadata.end()) {
    found = metadata.find("raw." + key);
  }
  if (found == metadata.end() || found->is_null()) {
    return "";
  }
  return found->is_string() ? found->get<std::string>() : found->dump();
}

bool record_matches(const TraceRecord& record, const std::vector<WhereCondition>& conditions)
{
  using Field = WhereCondition::Field;
  for (const auto& condition : conditions) {
    bool ok = false;
    switch (condition.field) {
    case Field::model:
      ok = record.model == condition.value;
      break;
    case Field::name:
      ok = record.name == condition.value;
      break;
    case Field::status:
      ok = condition.value == trace_status_name(record.status);
      break;
    case Field::since:
      ok = record.start_unix_nano >= condition.unix_nano;
      break;
    case Field::until:
      ok = record.start_unix_nano < condition.unix_nano;
      break;
    case Field::attribute:
      ok = attribute_text(record, condition.key) == condition.value;
      break;
    }
    if (!ok) {
      return false;
    }
  }
  return true;
}

} // namespace evalgate::traces
