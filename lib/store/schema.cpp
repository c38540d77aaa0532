#include "store/schema.hpp"

#include <array>

#include "store/cache_key_hash.hpp"
#include "store/store.hpp"

namespace evalgate::schema {

namespace {

// Version 1. Column meanings are documented in docs/store.md; keep the two in sync.
// JSON columns hold compact JSON text. Booleans are 0/1. Timestamps are ISO 8601 UTC text.
constexpr const char* k_v1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE runs (
  id               TEXT PRIMARY KEY,
  suite_name       TEXT NOT NULL,
  suite_path       TEXT NOT NULL,
  status           TEXT NOT NULL,
  started_at       TEXT NOT NULL,
  finished_at      TEXT,
  seed             INTEGER NOT NULL,
  repeat           INTEGER NOT NULL,
  case_count       INTEGER NOT NULL,
  trial_count      INTEGER NOT NULL,
  verdict          TEXT NOT NULL DEFAULT '',
  config           TEXT NOT NULL DEFAULT '{}',
  evalgate_version TEXT NOT NULL
);
-- "latest" and `evalgate runs` read runs newest first.
CREATE INDEX runs_by_started_at ON runs (started_at, id);

CREATE TABLE candidates (
  run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  id          TEXT NOT NULL,
  prompt_id   TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  position    INTEGER NOT NULL,
  PRIMARY KEY (run_id, id)
);

CREATE TABLE cases (
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  id         TEXT NOT NULL,
  position   INTEGER NOT NULL,
  dataset    TEXT NOT NULL,
  row        INTEGER NOT NULL,
  vars       TEXT NOT NULL DEFAULT '{}',
  expected   TEXT,
  context    TEXT NOT NULL DEFAULT 'null',
  tags       TEXT NOT NULL DEFAULT '[]',
  metadata   TEXT NOT NULL DEFAULT '{}',
  evaluators TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (run_id, id)
);

-- The UNIQUE constraint's index (run_id first) also serves every "trials of a run" read.
CREATE TABLE trials (
  id                INTEGER PRIMARY KEY,
  run_id            TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  candidate_id      TEXT NOT NULL,
  case_id           TEXT NOT NULL,
  repeat_index      INTEGER NOT NULL,
  output            TEXT NOT NULL DEFAULT '',
  latency_ms        REAL NOT NULL DEFAULT 0,
  ttft_ms           REAL,
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  total_tokens      INTEGER NOT NULL DEFAULT 0,
  cost_usd          REAL NOT NULL DEFAULT 0,
  cache_hit         INTEGER NOT NULL DEFAULT 0,
  attempts          INTEGER NOT NULL DEFAULT 0,
  failure           TEXT NOT NULL DEFAULT 'none',
  error             TEXT NOT NULL DEFAULT '',
  created_at        TEXT NOT NULL,
  UNIQUE (run_id, candidate_id, case_id, repeat_index)
);

CREATE TABLE scores (
  trial_id  INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
  metric    TEXT NOT NULL,
  position  INTEGER NOT NULL,
  value     REAL NOT NULL,
  pass      INTEGER NOT NULL,
  threshold REAL,
  reason    TEXT NOT NULL DEFAULT '',
  cost_usd  REAL NOT NULL DEFAULT 0,
  error     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (trial_id, metric)
);

CREATE TABLE gate_results (
  run_id       TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  metric       TEXT NOT NULL,
  candidate_id TEXT NOT NULL,
  check_name   TEXT NOT NULL,
  observed     REAL NOT NULL,
  limit_value  REAL NOT NULL,
  passed       INTEGER NOT NULL,
  message      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, position)
);

CREATE TABLE cache (
  key        TEXT PRIMARY KEY,
  provider   TEXT NOT NULL,
  model      TEXT NOT NULL,
  request    TEXT NOT NULL,
  response   TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE trace_imports (
  id            INTEGER PRIMARY KEY,
  source_path   TEXT NOT NULL,
  format        TEXT NOT NULL,
  imported_at   TEXT NOT NULL,
  record_count  INTEGER NOT NULL DEFAULT 0,
  skipped_count INTEGER NOT NULL DEFAULT 0,
  config        TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE trace_records (
  id                INTEGER PRIMARY KEY,
  import_id         INTEGER NOT NULL REFERENCES trace_imports (id) ON DELETE CASCADE,
  source_line       INTEGER,
  trace_id          TEXT NOT NULL,
  span_id           TEXT NOT NULL,
  parent_span_id    TEXT,
  name              TEXT NOT NULL DEFAULT '',
  input             TEXT NOT NULL DEFAULT '',
  output            TEXT NOT NULL DEFAULT '',
  model             TEXT NOT NULL DEFAULT '',
  prompt_tokens     INTEGER,
  completion_tokens INTEGER,
  total_tokens      INTEGER,
  cost_usd          REAL,
  latency_ms        REAL,
  status            TEXT NOT NULL DEFAULT '',
  started_at        TEXT,
  attributes        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX trace_records_by_import ON trace_records (import_id);

CREATE TABLE trace_scores (
  record_id INTEGER NOT NULL REFERENCES trace_records (id) ON DELETE CASCADE,
  metric    TEXT NOT NULL,
  value     REAL NOT NULL,
  pass      INTEGER NOT NULL,
  threshold REAL,
  reason    TEXT NOT NULL DEFAULT '',
  cost_usd  REAL NOT NULL DEFAULT 0,
  error     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (record_id, metric)
);
)sql";

// Version 2: what the provider layer and the evaluator catalogue record beyond v1. SQLite cannot
// relax v1's NOT NULL on trials.cost_usd in place, so an unknown cost is cost_known = 0.
constexpr const char* k_v2 = R"sql(
ALTER TABLE trials ADD COLUMN cost_known INTEGER NOT NULL DEFAULT 1;
ALTER TABLE trials ADD COLUMN cached_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trials ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
ALTER TABLE scores ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
ALTER TABLE runs ADD COLUMN options TEXT NOT NULL DEFAULT '{}';
)sql";

// Version 3: what `evalgate traces score` records beyond v1's trace tables: one trace_imports row
// per scoring (its verdict, gate results and sampling summary), the common record's fields that
// reports, exports and the gate read (kind, provider, session, user, the sampler's decision, the
// joined retrieved context), and score details like the trial scores have.
constexpr const char* k_v3 = R"sql(
ALTER TABLE trace_imports ADD COLUMN verdict TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_imports ADD COLUMN gate TEXT NOT NULL DEFAULT '[]';
ALTER TABLE trace_imports ADD COLUMN summary TEXT NOT NULL DEFAULT '{}';
ALTER TABLE trace_records ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_records ADD COLUMN provider TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_records ADD COLUMN session_id TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_records ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_records ADD COLUMN sample_prob REAL NOT NULL DEFAULT 1;
ALTER TABLE trace_records ADD COLUMN sample_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_records ADD COLUMN sample_stratum TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_records ADD COLUMN sample_u REAL NOT NULL DEFAULT 0;
ALTER TABLE trace_records ADD COLUMN context TEXT NOT NULL DEFAULT '[]';
ALTER TABLE trace_records ADD COLUMN source_format TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_records ADD COLUMN source_file TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_records ADD COLUMN error_message TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_records ADD COLUMN start_unix_nano INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trace_records ADD COLUMN cost_source TEXT NOT NULL DEFAULT '';
ALTER TABLE trace_scores ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
CREATE INDEX trace_scores_by_record ON trace_scores (record_id);
)sql";

// Version 4: the response cache is keyed by a 64-bit hash of its key (store/cache_key_hash.hpp),
// unique and indexed, instead of by the 67-character key text. Cache keys are random, so each
// batch of new rows touched nearly every leaf of the key index: at 20,000 rows the text index had
// ~600 leaves, rewritten to the WAL on every commit and read back after each commit of the trial
// writer's connection; the integer index is ~8 times smaller. The rows keep their order (rowid).
// And `scores` is stored in its primary key's b-tree (WITHOUT ROWID): one b-tree insert per score
// instead of a table row plus an index entry, and the read-back's per-trial scan reads the rows
// themselves. Callgrind, 2,000 trials of 4 scores: trial writer -3.4k and read-back -4.5k
// instructions per trial. A score whose trial is gone (only possible with foreign keys off) is
// not carried over: nothing could read it.
constexpr const char* k_v4 = R"sql(
CREATE TABLE scores_v4 (
  trial_id  INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
  metric    TEXT NOT NULL,
  position  INTEGER NOT NULL,
  value     REAL NOT NULL,
  pass      INTEGER NOT NULL,
  threshold REAL,
  reason    TEXT NOT NULL DEFAULT '',
  cost_usd  REAL NOT NULL DEFAULT 0,
  error     TEXT NOT NULL DEFAULT '',
  details   TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (trial_id, metric)
) WITHOUT ROWID;
INSERT INTO scores_v4 (trial_id, metric, position, value, pass, threshold, reason, cost_usd, error, details)
  SELECT trial_id, metric, position, value, pass, threshold, reason, cost_usd, error, details FROM scores
  WHERE trial_id IN (SELECT id FROM trials);
DROP TABLE scores;
ALTER TABLE scores_v4 RENAME TO scores;

CREATE TABLE cache_v4 (
  id         INTEGER PRIMARY KEY,
  key_hash   INTEGER NOT NULL UNIQUE,
  key        TEXT NOT NULL,
  provider   TEXT NOT NULL,
  model      TEXT NOT NULL,
  request    TEXT NOT NULL,
  response   TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql";

// The hash is computed here, not in SQL (which cannot read hex or multiply without overflowing to
// REAL). Two old keys with one hash keep the first in key order; the other then misses.
Result<void> copy_cache_rows(sqlite::Db& db)
{
  auto read =
      db.prepare("SELECT key, provider, model, request, response, created_at FROM cache ORDER BY key");
  if (!read) {
    return fail(read.error());
  }
  auto write =
      db.prepare("INSERT INTO cache_v4 (key_hash, key, provider, model, request, response, created_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (key_hash) DO NOTHING");
  if (!write) {
    return fail(write.error());
  }
  for (;;) {
    auto row = read->step();
    if (!row) {
      return fail(row.error());
    }
    if (!*row) {
      break;
    }
    write->bind_int(1, cache_key_hash(read->text(0)));
    for (int column = 0; column < 6; ++column) {
      write->bind_text(column + 2, read->text(column));
    }
    if (auto done = write->run(); !done) {
      return done;
    }
  }
  return {};
}

Result<void> copy_cache_to_v4(sqlite::Db& db)
{
  // The copy's statements are finalized before the old table is dropped.
  if (auto copied = copy_cache_rows(db); !copied) {
    return copied;
  }
  return db.exec("DROP TABLE cache; ALTER TABLE cache_v4 RENAME TO cache;");
}

constexpr std::array<Migration, 4> k_migrations{{
  {1, k_v1},
  {2, k_v2},
  {3, k_v3},
  {4, k_v4, &copy_cache_to_v4},
}};

static_assert(k_migrations.back().version == k_schema_version,
              "the last migration must produce k_schema_version");

Result<void> apply(sqlite::Db& db, const Migration& step)
{
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) {
    return fail(tx.error());
  }
  // Re-read under the write lock: another process may have applied this step since we looked.
  auto version = current_version(db);
  if (!version) {
    return fail(version.error());
  }
  if (*version >= step.version) {
    return {};
  }
  if (auto done = db.exec(step.sql); !done) {
    return done;
  }
  if (step.after != nullptr) {
    if (auto done = step.after(db); !done) {
      return done;
    }
  }
  auto set = db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?1) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!set) {
    return fail(set.error());
  }
  if (auto done = set->bind_text(1, std::to_string(step.version)).run(); !done) {
    return done;
  }
  return tx->commit();
}

} // namespace

std::span<const Migration> migrations() { return k_migrations; }

Result<int> current_version(sqlite::Db& db)
{
  auto tables = db.prepare("SELECT count(*), coalesce(sum(name = 'meta'), 0) FROM sqlite_schema "
                           "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  if (!tables) {
    return fail(tables.error());
  }
  if (auto row = tables->step(); !row) {
    return fail(row.error());
  }
  const std::int64_t table_count = tables->integer(0);
  const bool has_meta = tables->integer(1) > 0;
  if (table_count == 0) {
    return 0;
  }
  if (!has_meta) {
    return fail(ErrorCategory::store, "database " + db.path() +
                                        " is not an evalgate database (it has tables but no meta table)");
  }

  auto read = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!read) {
    return fail(read.error());
  }
  auto row = read->step();
  if (!row) {
    return fail(row.error());
  }
  const std::string text = *row ? read->text(0) : "";
  try {
    std::size_t used = 0;
    const int version = std::stoi(text, &used);
    if (used == text.size() && version >= 0) {
      return version;
    }
  } catch (const std::exception&) {
    // fall through to the error below
  }
  return fail(ErrorCategory::store,
              "database " + db.path() + " has an unreadable schema_version '" + text + "' in its meta table");
}

Result<void> migrate(sqlite::Db& db) { return migrate_to(db, k_schema_version); }

Result<void> migrate_to(sqlite::Db& db, int target)
{
  auto version = current_version(db);
  if (!version) {
    return fail(version.error());
  }
  if (*version > k_schema_version) {
    return fail(ErrorCategory::store, "database " + db.path() + " has schema version " +
                                        std::to_string(*version) + ", newer than this evalgate (" +
                                        std::to_string(k_schema_version) + "); upgrade evalgate");
  }
  for (const Migration& step : k_migrations) {
    if (step.version <= *version || step.version > target) {
      continue;
    }
    if (auto done = apply(db, step); !done) {
      return fail(ErrorCategory::store, "cannot migrate database " + db.path() + " to schema version " +
                                          std::to_string(step.version) + ": " + done.error().message);
    }
  }
  return {};
}

} // namespace evalgate::schema
