#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "command.hpp"
#include "engine/cassette.hpp"

namespace evalgate::cli {

namespace {

struct CacheFlags {
  std::string db = k_default_db;
  std::string file;
};

int stats(const CacheFlags& flags)
{
  auto stats = cache_stats(flags.db);
  if (!stats) {
    return report_error(stats.error());
  }
  std::cout << fmt::format("{}: {} cached response(s), {:.1f} KiB\n", flags.db, stats->entries,
                           static_cast<double>(stats->bytes) / 1024.0);
  for (const CacheModelCount& row : stats->by_model) {
    std::cout << fmt::format("  {} ({}): {}\n", row.provider, row.model.empty() ? "-" : row.model,
                             row.entries);
  }
  return 0;
}

int clear(const CacheFlags& flags)
{
  auto removed = cache_clear(flags.db);
  if (!removed) {
    return report_error(removed.error());
  }
  std::cout << fmt::format("{}: removed {} cached response(s)\n", flags.db, *removed);
  return 0;
}

int export_file(const CacheFlags& flags)
{
  auto written = cache_export(flags.db, flags.file);
  if (!written) {
    return report_error(written.error());
  }
  std::cout << fmt::format("wrote {} cached response(s) to {}\n", *written, flags.file);
  return 0;
}

int import_file(const CacheFlags& flags)
{
  auto imported = cache_import(flags.db, flags.file);
  if (!imported) {
    return report_error(imported.error());
  }
  std::cout << fmt::format("imported {} cached response(s) into {}\n", *imported, flags.db);
  return 0;
}

} // namespace

Command cache_command()
{
  return {
      "cache", "Response cache in the --db: stats, clear, export FILE.jsonl, import FILE.jsonl (cassettes)",
      [](CLI::App& app) {
        auto flags = std::make_shared<CacheFlags>();
        auto action = std::make_shared<int (*)(const CacheFlags&)>(nullptr);
        app.require_subcommand(1);
        auto add = [&](const char* name, const char* doc, int (*run)(const CacheFlags&), bool with_file) {
          CLI::App* sub = app.add_subcommand(name, doc);
          sub->add_option("--db", flags->db, "SQLite database holding the cache")->capture_default_str();
          if (with_file) {
            sub->add_option("file", flags->file, "Cassette file (JSONL, one entry per line)")->required();
          }
          sub->callback([action, run] { *action = run; });
        };
        add("stats", "Entries and size per provider and model", stats, false);
        add("clear", "Delete every cached response", clear, false);
        add("export", "Write every entry to a reviewable JSONL cassette, sorted by key", export_file, true);
        add("import", "Load a cassette (checked line by line first) into the cache", import_file, true);
        return [flags, action] { return *action != nullptr ? (*action)(*flags) : 2; };
      }};
}

} // namespace evalgate::cli
