#include "store/sqlite.hpp"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <utility>

#include <sqlite3.h>

namespace evalgate::sqlite {

namespace {

Unexpected open_error(const std::string& path, const std::string& reason)
{
  return fail(ErrorCategory::store, "cannot open database " + path + ": " + reason);
}

// sqlite's message, plus the cause when a write failed for lack of room: SQLITE_FULL says only
// "database or disk is full", and a file-size limit (EFBIG) comes back as a bare "disk I/O error".
std::string message_of(sqlite3* db)
{
  std::string message = sqlite3_errmsg(db);
  const int code = sqlite3_extended_errcode(db) & 0xff;
  if (code != SQLITE_FULL && code != SQLITE_IOERR) {
    return message;
  }
  // The errno sqlite keeps is read after the failing call and may be stale, so the limits that
  // cause write failures are also checked directly.
  const int system = sqlite3_system_errno(db);
  rlimit file_size{};
  const bool size_limited = getrlimit(RLIMIT_FSIZE, &file_size) == 0 && file_size.rlim_cur != RLIM_INFINITY;
  if (code == SQLITE_FULL || system == ENOSPC) {
    return message + " (disk full: no space left on device)";
  }
  if (system == EFBIG) {
    return message + " (file size limit reached: " + std::strerror(EFBIG) + "; see ulimit -f)";
  }
  if (system == EDQUOT) {
    return message + " (disk quota exceeded)";
  }
  if (size_limited) {
    return message + " (probably the file size limit: ulimit -f is set)";
  }
  const char* file = sqlite3_db_filename(db, "main");
  struct statvfs disk {};
  if (file != nullptr && *file != '\0' && statvfs(file, &disk) == 0 && disk.f_bavail == 0) {
    return message + " (disk full: no space left on device)";
  }
  return message;
}

// Process-wide settings, made once before SQLite initializes (sqlite3_config is refused after).
// Memory statistics off: with them on (the library's default) every sqlite3_malloc and
// sqlite3_free takes one global mutex shared by every connection of every thread, and the run's
// writer threads allocate ~50 times a request. Callgrind, 2,000 requests at 0 ms: -9k
// instructions per request.
void configure_library()
{
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

} // namespace

Unexpected db_error(const Db& db, const std::string& what)
{
  return fail(ErrorCategory::store, what + ": " + db.last_message());
}

// ---- Db ---------------------------------------------------------------------------------

Result<Db> Db::open(const std::string& path)
{
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return open_error(path, "cannot create folder " + parent.string() + ": " + ec.message());
    }
  }

  configure_library();
  Db db;
  db.m_path = path;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db.m_db, flags, nullptr) != SQLITE_OK) {
    // sqlite3_open_v2 hands back a handle even on failure, holding the message.
    std::string reason = db.m_db != nullptr ? sqlite3_errmsg(db.m_db) : "out of memory";
    return open_error(path, reason);
  }
  sqlite3_extended_result_codes(db.m_db, 1);
  sqlite3_busy_timeout(db.m_db, 5000);

  // The first statement that reads the file is where a non-database or unreadable file fails,
  // so its error is reported as an open error.
  // A run writes from two connections (trials, response cache); each commit by one empties the
  // other's page cache, and each checkpoint copies the WAL back with an fdatasync. At the default
  // 1,000-page checkpoint a 20,000-request run did ~150 checkpoints; 8,000 pages (a WAL of up to
  // ~32 MB, removed when the last connection closes) cut pwrite/pread/fdatasync calls by a third.
  auto pragmas = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                         "PRAGMA wal_autocheckpoint=8000;");
  if (!pragmas) {
    return open_error(path, db.last_message());
  }
  return db;
}

Db::Db(Db&& other) noexcept
  : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path))
{
}

Db& Db::operator=(Db&& other) noexcept
{
  if (this != &other) {
    close();
    m_db = std::exchange(other.m_db, nullptr);
    m_path = std::move(other.m_path);
  }
  return *this;
}

Db::~Db() { close(); }

void Db::close()
{
  if (m_db != nullptr) {
    // close_v2 defers the close until any statement still alive is finalized, so a Db can
    // safely die before its statements.
    sqlite3_close_v2(m_db);
    m_db = nullptr;
  }
}

Result<void> Db::exec(const std::string& sql)
{
  char* message = nullptr;
  if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message); // the same text as sqlite3_errmsg, which message_of explains
    std::string text = last_message();
    return fail(ErrorCategory::store, text);
  }
  return {};
}

Result<Stmt> Db::prepare(std::string_view sql)
{
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return fail(ErrorCategory::store, last_message());
  }
  return Stmt(stmt);
}

std::string Db::last_message() const
{
  return m_db != nullptr ? message_of(m_db) : "database is closed";
}

std::int64_t Db::changes() const { return m_db != nullptr ? sqlite3_changes64(m_db) : 0; }

std::int64_t Db::last_insert_rowid() const { return m_db != nullptr ? sqlite3_last_insert_rowid(m_db) : 0; }

// ---- Stmt -------------------------------------------------------------------------------

Stmt::Stmt(Stmt&& other) noexcept
  : m_stmt(std::exchange(other.m_stmt, nullptr)), m_bind_error(other.m_bind_error)
{
}

Stmt& Stmt::operator=(Stmt&& other) noexcept
{
  if (this != &other) {
    finalize();
    m_stmt = std::exchange(other.m_stmt, nullptr);
    m_bind_error = other.m_bind_error;
  }
  return *this;
}

Stmt::~Stmt() { finalize(); }

void Stmt::finalize()
{
  if (m_stmt != nullptr) {
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
  }
}

namespace {

void note(int& first_error, int rc)
{
  if (rc != SQLITE_OK && first_error == 0) {
    first_error = rc;
  }
}

} // namespace

Stmt& Stmt::bind_text(int index, std::string_view value)
{
  note(m_bind_error, sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8));
  return *this;
}

Stmt& Stmt::bind_text_ref(int index, std::string_view value)
{
  note(m_bind_error,
       sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8));
  return *this;
}

Stmt& Stmt::bind_int(int index, std::int64_t value)
{
  note(m_bind_error, sqlite3_bind_int64(m_stmt, index, value));
  return *this;
}

Stmt& Stmt::bind_double(int index, double value)
{
  note(m_bind_error, sqlite3_bind_double(m_stmt, index, value));
  return *this;
}

Stmt& Stmt::bind_null(int index)
{
  note(m_bind_error, sqlite3_bind_null(m_stmt, index));
  return *this;
}

Stmt& Stmt::bind_optional(int index, const std::optional<double>& value)
{
  return value ? bind_double(index, *value) : bind_null(index);
}

Stmt& Stmt::bind_optional(int index, const std::optional<std::string>& value)
{
  return value ? bind_text(index, *value) : bind_null(index);
}

Result<bool> Stmt::step()
{
  if (m_bind_error != 0) {
    const int rc = std::exchange(m_bind_error, 0);
    return fail(ErrorCategory::internal, std::string("cannot bind a statement parameter: ") + sqlite3_errstr(rc));
  }
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  // Reset so the statement is reusable and the connection's message is the step's message.
  std::string message = message_of(sqlite3_db_handle(m_stmt));
  sqlite3_reset(m_stmt);
  return fail(ErrorCategory::store, message);
}

Result<void> Stmt::run()
{
  for (;;) {
    auto row = step();
    if (!row) {
      reset();
      return fail(row.error());
    }
    if (!*row) {
      break;
    }
  }
  reset();
  return {};
}

void Stmt::reset()
{
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
  m_bind_error = 0;
}

std::string Stmt::text(int column) const
{
  const unsigned char* value = sqlite3_column_text(m_stmt, column);
  if (value == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(value),
                     static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)));
}

std::int64_t Stmt::integer(int column) const { return sqlite3_column_int64(m_stmt, column); }

double Stmt::real(int column) const { return sqlite3_column_double(m_stmt, column); }

bool Stmt::is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

std::optional<double> Stmt::optional_real(int column) const
{
  if (is_null(column)) {
    return std::nullopt;
  }
  return real(column);
}

std::optional<std::string> Stmt::optional_text(int column) const
{
  if (is_null(column)) {
    return std::nullopt;
  }
  return text(column);
}

// ---- Transaction ------------------------------------------------------------------------

Result<Transaction> Transaction::begin(Db& db)
{
  auto begun = db.exec("BEGIN IMMEDIATE");
  if (!begun) {
    return fail(begun.error());
  }
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

Transaction::~Transaction()
{
  if (m_db != nullptr) {
    // Best effort: a failed rollback leaves sqlite to roll back when the connection closes.
    (void)m_db->exec("ROLLBACK");
  }
}

Result<void> Transaction::commit()
{
  auto committed = m_db->exec("COMMIT");
  if (!committed) {
    return committed; // the destructor rolls back
  }
  m_db = nullptr;
  return {};
}

} // namespace evalgate::sqlite
