#include "engine/cassette.hpp"

#include "core/json_depth.hpp"

#include <fstream>

#include <fmt/format.h>

#include "providers/response_cache.hpp"

namespace evalgate {

namespace {

Result<std::unique_ptr<CacheTable>> open_table(const std::string& db_path)
{
  return CacheTable::open(db_path);
}

Unexpected bad_line(const std::string& file, long line, const std::string& what)
{
  Location location;
  location.file = file;
  location.line = static_cast<int>(line);
  return fail(ErrorCategory::data, "not a cassette entry: " + what, location);
}

Result<CacheRow> parse_line(const std::string& text, const std::string& file, long line)
{
  Json entry = parse_json_bounded(text);
  if (entry.is_discarded() || !entry.is_object()) {
    return bad_line(file, line, "expected one JSON object per line");
  }
  for (const char* key : {"key", "provider", "model"}) {
    if (!entry.contains(key) || !entry[key].is_string()) {
      return bad_line(file, line, fmt::format("'{}' must be a string", key));
    }
  }
  if (!entry.contains("request") || !entry["request"].is_object()) {
    return bad_line(file, line, "'request' must be an object");
  }
  const auto stored =
      entry.contains("response") ? stored_response_from_cassette(entry["response"]) : std::nullopt;
  if (!stored) {
    return bad_line(file, line, "'response' must be {\"status\": <int>, \"json\" or \"text\": <body>}");
  }
  const std::string key = entry["key"].get<std::string>();
  if (key != cache_key(entry["request"])) {
    return bad_line(file, line,
                    fmt::format("key {} is not the hash of its request (was the request edited?)", key));
  }
  CacheRow row{key,
               entry["provider"].get<std::string>(),
               entry["model"].get<std::string>(),
               entry["request"].dump(),
               *stored,
               ""};
  if (entry.contains("created_at") && entry["created_at"].is_string()) {
    row.created_at = entry["created_at"].get<std::string>();
  }
  return row;
}

} // namespace

Result<CacheStats> cache_stats(const std::string& db_path)
{
  auto table = open_table(db_path);
  if (!table) {
    return fail(table.error());
  }
  return (*table)->stats();
}

Result<std::int64_t> cache_clear(const std::string& db_path)
{
  auto table = open_table(db_path);
  if (!table) {
    return fail(table.error());
  }
  return (*table)->clear();
}

Result<std::int64_t> cache_export(const std::string& db_path, const std::string& file)
{
  auto table = open_table(db_path);
  if (!table) {
    return fail(table.error());
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) {
    return fail(ErrorCategory::usage, "cannot write " + file);
  }
  std::int64_t written = 0;
  auto visited = (*table)->rows([&](const CacheRow& row) -> Result<void> {
    const auto response = decode_cached_response(row.response);
    if (!response) {
      return fail(ErrorCategory::store,
                  "cache entry " + row.key + " in " + db_path + " is not a stored response");
    }
    // ordered_json keeps the documented field order, so a cassette reads key first.
    nlohmann::ordered_json entry{
        {"key", row.key},
        {"provider", row.provider},
        {"model", row.model},
        {"request", nlohmann::ordered_json::parse(row.request, nullptr, false)},
        {"response", nlohmann::ordered_json::parse(cassette_response(*response).dump())},
        {"created_at", row.created_at}};
    out << entry.dump() << '\n';
    ++written;
    return {};
  });
  if (!visited) {
    return fail(visited.error());
  }
  out.flush();
  if (!out) {
    return fail(ErrorCategory::usage, "cannot write " + file);
  }
  return written;
}

Result<std::int64_t> cache_import(const std::string& db_path, const std::string& file)
{
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return fail(ErrorCategory::usage, "cannot read " + file);
  }
  std::vector<CacheRow> rows;
  std::string text;
  long line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
    if (text.find_first_not_of(" \t") == std::string::npos) {
      continue;
    }
    auto row = parse_line(text, file, line);
    if (!row) {
      return fail(row.error());
    }
    rows.push_back(std::move(row).value());
  }
  auto table = open_table(db_path);
  if (!table) {
    return fail(table.error());
  }
  if (auto written = (*table)->upsert(rows); !written) {
    return fail(written.error());
  }
  return static_cast<std::int64_t>(rows.size());
}

} // namespace evalgate
