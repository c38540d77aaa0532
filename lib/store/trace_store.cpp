#include "store/trace_store.hpp"

#include <utility>

#include <sqlite3.h>

#include "store/run_id.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/store_impl.hpp"

namespace evalgate {

using store_detail::from_json_text;
using store_detail::to_json_text;

struct TraceStore::Impl {
  sqlite::Db db;
};

TraceStore::TraceStore() : m_impl(std::make_unique<Impl>()) {}
TraceStore::~TraceStore() = default;

Result<std::unique_ptr<TraceStore>> TraceStore::open(const std::string& path)
{
  auto db = sqlite::Db::open(path);
  if (!db) {
    return fail(db.error());
  }
  if (auto migrated = schema::migrate(*db); !migrated) {
    return fail(migrated.error());
  }
  std::unique_ptr<TraceStore> store(new TraceStore());
  store->m_impl->db = std::move(*db);
  return store;
}

namespace {

Json gate_json(const std::vector<GateResult>& results)
{
  Json out = Json::array();
  for (const auto& r : results) {
    out.push_back({{"metric", r.metric},
                   {"scope", r.candidate_id},
                   {"check", r.check},
                   {"observed", r.observed},
                   {"limit", r.limit},
                   {"passed", r.passed},
                   {"message", r.message}});
  }
  return out;
}

std::vector<GateResult> gate_from_json(const Json& json)
{
  std::vector<GateResult> results;
  if (!json.is_array()) {
    return results;
  }
  for (const auto& item : json) {
    GateResult r;
    r.metric = item.value("metric", "");
    r.candidate_id = item.value("scope", "");
    r.check = item.value("check", "");
    r.observed = item.value("observed", 0.0);
    r.limit = item.value("limit", 0.0);
    r.passed = item.value("passed", false);
    r.message = item.value("message", "");
    results.push_back(std::move(r));
  }
  return results;
}

Json context_json(const std::vector<RetrievedDocument>& documents)
{
  Json out = Json::array();
  for (const auto& d : documents) {
    Json doc = {
        {"doc_id", d.doc_id}, {"content", d.content}, {"rank", d.rank}, {"source_span_id", d.source_span_id}};
    if (d.score) {
      doc["score"] = *d.score;
    }
    if (!d.metadata.empty()) {
      doc["metadata"] = d.metadata;
    }
    out.push_back(std::move(doc));
  }
  return out;
}

std::vector<RetrievedDocument> context_from_json(const Json& json)
{
  std::vector<RetrievedDocument> documents;
  if (!json.is_array()) {
    return documents;
  }
  for (const auto& item : json) {
    RetrievedDocument d;
    d.doc_id = item.value("doc_id", "");
    d.content = item.value("content", "");
    d.rank = item.value("rank", 0);
    d.source_span_id = item.value("source_span_id", "");
    if (item.contains("score") && item["score"].is_number()) {
      d.score = item["score"].get<double>();
    }
    d.metadata = item.value("metadata", Json::object());
    documents.push_back(std::move(d));
  }
  return documents;
}

// What the record keeps beyond its columns.
Json attributes_json(const TraceRecord& r)
{
  Json out = {
      {"operation", r.operation}, {"metadata", r.metadata}, {"tags", r.tags}, {"source_line", r.source_line}};
  if (!r.system_instructions.empty()) {
    out["system_instructions"] = r.system_instructions;
  }
  if (r.ttft_ms) {
    out["ttft_ms"] = *r.ttft_ms;
  }
  if (r.tokens_cache_read) {
    out["tokens_cache_read"] = *r.tokens_cache_read;
  }
  if (!r.error_type.empty()) {
    out["error_type"] = r.error_type;
  }
  return out;
}

void bind_optional_int(sqlite::Stmt& stmt, int index, const std::optional<std::int64_t>& value)
{
  if (value) {
    stmt.bind_int(index, *value);
  } else {
    stmt.bind_null(index);
  }
}

std::optional<std::int64_t> optional_int(const sqlite::Stmt& stmt, int column)
{
  return stmt.is_null(column) ? std::nullopt : std::optional<std::int64_t>(stmt.integer(column));
}

TraceKind kind_from_name(const std::string& name)
{
  for (auto kind :
       {TraceKind::llm, TraceKind::embedding, TraceKind::retriever, TraceKind::reranker, TraceKind::tool,
        TraceKind::agent, TraceKind::chain, TraceKind::guardrail, TraceKind::evaluator, TraceKind::prompt}) {
    if (name == trace_kind_name(kind)) {
      return kind;
    }
  }
  return TraceKind::other;
}

TraceStatus status_from_name(const std::string& name)
{
  if (name == trace_status_name(TraceStatus::ok)) {
    return TraceStatus::ok;
  }
  if (name == trace_status_name(TraceStatus::error)) {
    return TraceStatus::error;
  }
  return TraceStatus::unset;
}

constexpr const char* k_insert_record =
    "INSERT INTO trace_records (import_id, source_line, trace_id, span_id, parent_span_id, name, input, "
    "output, "
    "model, prompt_tokens, completion_tokens, total_tokens, cost_usd, latency_ms, status, started_at, "
    "attributes, "
    "kind, provider, session_id, user_id, sample_prob, sample_reason, sample_stratum, sample_u, context, "
    "source_format, source_file, error_message, start_unix_nano, cost_source) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, "
    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, "
    "?29, "
    "?30, ?31)";

constexpr const char* k_select_records =
    "SELECT id, source_line, trace_id, span_id, coalesce(parent_span_id, ''), name, input, output, model, "
    "prompt_tokens, completion_tokens, total_tokens, cost_usd, latency_ms, status, attributes, kind, "
    "provider, "
    "session_id, user_id, sample_prob, sample_reason, sample_stratum, sample_u, context, source_format, "
    "source_file, error_message, start_unix_nano, cost_source FROM trace_records WHERE import_id = ?1 ORDER "
    "BY id";

Result<void> insert_unit(sqlite::Db& db, sqlite::Stmt& record_stmt, sqlite::Stmt& score_stmt,
                         std::int64_t import_id, const ScoredTraceUnit& unit)
{
  const TraceRecord& r = unit.record;
  record_stmt.bind_int(1, import_id)
      .bind_int(2, r.source_line)
      .bind_text(3, r.trace_id)
      .bind_text(4, r.span_id);
  if (r.parent_span_id.empty()) {
    record_stmt.bind_null(5);
  } else {
    record_stmt.bind_text(5, r.parent_span_id);
  }
  record_stmt.bind_text(6, r.name)
      .bind_text(7, r.input_text)
      .bind_text(8, r.output_text)
      .bind_text(9, r.model);
  bind_optional_int(record_stmt, 10, r.tokens_in);
  bind_optional_int(record_stmt, 11, r.tokens_out);
  bind_optional_int(record_stmt, 12, r.tokens_total);
  record_stmt.bind_optional(13, r.cost_usd).bind_optional(14, r.latency_ms);
  record_stmt.bind_text(15, trace_status_name(r.status)).bind_null(16);
  record_stmt.bind_text(17, to_json_text(attributes_json(r))).bind_text(18, trace_kind_name(r.kind));
  record_stmt.bind_text(19, r.provider).bind_text(20, r.session_id).bind_text(21, r.user_id);
  record_stmt.bind_double(22, r.sample.inclusion_prob).bind_text(23, r.sample.reason);
  record_stmt.bind_text(24, r.sample.stratum).bind_double(25, r.sample.u);
  record_stmt.bind_text(26, to_json_text(context_json(r.retrieved_context))).bind_text(27, r.source_format);
  record_stmt.bind_text(28, r.source_file).bind_text(29, r.error_message).bind_int(30, r.start_unix_nano);
  record_stmt.bind_text(31, r.cost_source);
  if (auto done = record_stmt.run(); !done) {
    return done;
  }
  const std::int64_t record_id = sqlite3_last_insert_rowid(db.handle());
  for (const Score& score : unit.scores) {
    score_stmt.bind_int(1, record_id).bind_text(2, score.metric).bind_double(3, score.value);
    score_stmt.bind_int(4, score.pass ? 1 : 0).bind_optional(5, score.threshold).bind_text(6, score.reason);
    score_stmt.bind_double(7, score.cost_usd)
        .bind_text(8, score.error)
        .bind_text(9, to_json_text(score.details));
    if (auto done = score_stmt.run(); !done) {
      return done;
    }
  }
  return {};
}

} // namespace

Result<void> TraceStore::save_import(TraceImportInfo& info, const std::vector<ScoredTraceUnit>& units)
{
  sqlite::Db& db = m_impl->db;
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) {
    return fail(tx.error());
  }
  info.imported_at = iso8601_utc_now();
  auto import_stmt =
      db.prepare("INSERT INTO trace_imports (source_path, format, imported_at, record_count, "
                 "skipped_count, config, verdict, gate, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                 "?7, ?8, ?9)");
  if (!import_stmt) {
    return fail(import_stmt.error());
  }
  import_stmt->bind_text(1, info.source_path).bind_text(2, info.format).bind_text(3, info.imported_at);
  import_stmt->bind_int(4, info.record_count).bind_int(5, info.warning_count);
  import_stmt->bind_text(6, to_json_text(info.config)).bind_text(7, info.verdict);
  import_stmt->bind_text(8, to_json_text(gate_json(info.gate))).bind_text(9, to_json_text(info.summary));
  if (auto done = import_stmt->run(); !done) {
    return done;
  }
  info.id = sqlite3_last_insert_rowid(db.handle());
  auto record_stmt = db.prepare(k_insert_record);
  if (!record_stmt) {
    return fail(record_stmt.error());
  }
  auto score_stmt = db.prepare("INSERT INTO trace_scores (record_id, metric, value, pass, threshold, reason, "
                               "cost_usd, error, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!score_stmt) {
    return fail(score_stmt.error());
  }
  for (const auto& unit : units) {
    if (auto done = insert_unit(db, *record_stmt, *score_stmt, info.id, unit); !done) {
      return fail(store_detail::in_context(done.error(), "cannot store trace record " + unit.record.span_id));
    }
  }
  return tx->commit();
}

Result<TraceImportData> TraceStore::load_import(const std::string& id_or_latest)
{
  sqlite::Db& db = m_impl->db;
  auto import_stmt =
      db.prepare(id_or_latest == "latest" ? "SELECT id, source_path, format, imported_at, record_count, "
                                            "skipped_count, config, verdict, gate, "
                                            "summary FROM trace_imports ORDER BY id DESC LIMIT 1"
                                          : "SELECT id, source_path, format, imported_at, record_count, "
                                            "skipped_count, config, verdict, gate, "
                                            "summary FROM trace_imports WHERE CAST(id AS TEXT) = ?1");
  if (!import_stmt) {
    return fail(import_stmt.error());
  }
  if (id_or_latest != "latest") {
    import_stmt->bind_text(1, id_or_latest);
  }
  auto row = import_stmt->step();
  if (!row) {
    return fail(row.error());
  }
  if (!*row) {
    return fail(ErrorCategory::usage, "no trace import '" + id_or_latest + "' in " + db.path());
  }
  TraceImportData data;
  TraceImportInfo& info = data.info;
  info.id = import_stmt->integer(0);
  info.source_path = import_stmt->text(1);
  info.format = import_stmt->text(2);
  info.imported_at = import_stmt->text(3);
  info.record_count = import_stmt->integer(4);
  info.warning_count = import_stmt->integer(5);
  const std::string what = "trace import " + std::to_string(info.id);
  auto config = from_json_text(import_stmt->text(6), what + " config");
  auto gate = from_json_text(import_stmt->text(8), what + " gate");
  auto summary = from_json_text(import_stmt->text(9), what + " summary");
  if (!config || !gate || !summary) {
    return fail(!config ? config.error() : !gate ? gate.error() : summary.error());
  }
  info.config = std::move(*config);
  info.verdict = import_stmt->text(7);
  info.gate = gate_from_json(*gate);
  info.summary = std::move(*summary);

  auto records = db.prepare(k_select_records);
  auto scores = db.prepare("SELECT metric, value, pass, threshold, reason, cost_usd, error, details FROM "
                           "trace_scores WHERE record_id = ?1 ORDER BY rowid");
  if (!records || !scores) {
    return fail(!records ? records.error() : scores.error());
  }
  records->bind_int(1, info.id);
  while (true) {
    auto next = records->step();
    if (!next) {
      return fail(next.error());
    }
    if (!*next) {
      break;
    }
    ScoredTraceUnit unit;
    TraceRecord& r = unit.record;
    const sqlite::Stmt& s = *records;
    r.source_line = s.integer(1);
    r.trace_id = s.text(2);
    r.span_id = s.text(3);
    r.parent_span_id = s.text(4);
    r.name = s.text(5);
    r.input_text = s.text(6);
    r.output_text = s.text(7);
    r.model = s.text(8);
    r.tokens_in = optional_int(s, 9);
    r.tokens_out = optional_int(s, 10);
    r.tokens_total = optional_int(s, 11);
    r.cost_usd = s.optional_real(12);
    r.latency_ms = s.optional_real(13);
    r.status = status_from_name(s.text(14));
    auto attributes = from_json_text(s.text(15), what + " record attributes");
    if (attributes && attributes->is_object()) {
      r.operation = attributes->value("operation", "");
      r.metadata = attributes->value("metadata", Json::object());
      r.tags = attributes->value("tags", std::vector<std::string>{});
      r.system_instructions = attributes->value("system_instructions", "");
      r.error_type = attributes->value("error_type", "");
      if (attributes->contains("ttft_ms")) {
        r.ttft_ms = (*attributes)["ttft_ms"].get<double>();
      }
      if (attributes->contains("tokens_cache_read")) {
        r.tokens_cache_read = (*attributes)["tokens_cache_read"].get<std::int64_t>();
      }
    }
    r.kind = kind_from_name(s.text(16));
    r.provider = s.text(17);
    r.session_id = s.text(18);
    r.user_id = s.text(19);
    r.sample = TraceSample{s.real(20), s.text(21), s.text(22), s.real(23)};
    auto context = from_json_text(s.text(24), what + " record context");
    if (context) {
      r.retrieved_context = context_from_json(*context);
    }
    r.source_format = s.text(25);
    r.source_file = s.text(26);
    r.error_message = s.text(27);
    r.start_unix_nano = s.integer(28);
    r.cost_source = s.text(29);
    scores->reset();
    scores->bind_int(1, s.integer(0));
    while (true) {
      auto score_row = scores->step();
      if (!score_row) {
        return fail(score_row.error());
      }
      if (!*score_row) {
        break;
      }
      Score score;
      score.metric = scores->text(0);
      score.value = scores->real(1);
      score.pass = scores->integer(2) != 0;
      score.threshold = scores->optional_real(3);
      score.reason = scores->text(4);
      score.cost_usd = scores->real(5);
      score.error = scores->text(6);
      auto details = from_json_text(scores->text(7), what + " score details");
      score.details = details ? std::move(*details) : Json::object();
      unit.scores.push_back(std::move(score));
    }
    data.units.push_back(std::move(unit));
  }
  return data;
}

} // namespace evalgate
