#pragma once
// store/sqlite: a thin RAII layer over the SQLite C API, internal to the store module.
// Db owns one connection opened with evalgate's pragmas; Stmt is a prepared statement that can be
// reset and reused; Transaction rolls back unless committed. Every failure comes back as a
// Result carrying a store-category Error with sqlite's own message. Not thread-safe: an object
// (and the statements prepared from it) belongs to one thread at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace evalgate::sqlite {

class Stmt;

class Db {
public:
  // Opens or creates `path` (parent folders created) with journal_mode=WAL, synchronous=NORMAL,
  // foreign_keys=ON and busy_timeout=5000. Error: "cannot open database <path>: <reason>".
  // The first open in the process also turns SQLite's memory statistics off (process-wide).
  static Result<Db> open(const std::string& path);

  Db() = default;
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  bool is_open() const { return m_db != nullptr; }
  const std::string& path() const { return m_path; }
  sqlite3* handle() const { return m_db; }

  // Runs one or more statements that return no rows needed by the caller.
  Result<void> exec(const std::string& sql);
  Result<Stmt> prepare(std::string_view sql);
  std::string last_message() const;
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const; // rowid of the connection's last successful INSERT
  void close();

private:
  sqlite3* m_db = nullptr;
  std::string m_path;
};

class Stmt {
public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* stmt) : m_stmt(stmt) {}
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Parameters are 1-based, as in SQLite. Text is copied, so arguments may be temporaries.
  Stmt& bind_text(int index, std::string_view value);
  // Not copied: the text must stay alive and unchanged until the statement is reset (run() and
  // reset() do), which saves a copy per value on hot write paths.
  Stmt& bind_text_ref(int index, std::string_view value);
  Stmt& bind_int(int index, std::int64_t value);
  Stmt& bind_double(int index, double value);
  Stmt& bind_null(int index);
  Stmt& bind_optional(int index, const std::optional<double>& value);
  Stmt& bind_optional(int index, const std::optional<std::string>& value);

  // true = a row is ready to read, false = the statement is done.
  Result<bool> step();
  // Steps to completion, ignoring any rows; then resets for reuse.
  Result<void> run();
  // Clears bindings and rewinds, ready for the next use.
  void reset();

  // Columns are 0-based, as in SQLite.
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;
  std::optional<double> optional_real(int column) const;
  std::optional<std::string> optional_text(int column) const;

private:
  void finalize();

  sqlite3_stmt* m_stmt = nullptr;
  int m_bind_error = 0; // first failed bind, reported by the next step()
};

// BEGIN IMMEDIATE on construction (so a writer waits for the lock up front rather than failing
// at commit); rolls back on destruction unless commit() succeeded.
class Transaction {
public:
  static Result<Transaction> begin(Db& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Result<void> commit();

private:
  explicit Transaction(Db& db) : m_db(&db) {}
  Db* m_db = nullptr;
};

// A store-category error "<what>: <sqlite's message for db>".
Unexpected db_error(const Db& db, const std::string& what);

} // namespace evalgate::sqlite
