#pragma once
// Integration support: the evalgate binary as a child the test can kill at a moment of its
// choosing (SIGKILL mid-run), unlike run_process, which only signals after a fixed delay. Output
// goes to files in the harness folder, so a child that is never read from cannot block on a
// full pipe. Also: the SQLite checks every crash test repeats (integrity, duplicates, orphans).

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

extern char** environ;

namespace evalgate::testing {

class ChildProcess {
public:
  // Starts argv[0] with `argv` in `cwd`; `env` entries ("NAME=value") are added to the
  // environment; stdout and stderr go to `log_prefix`.out / .err.
  ChildProcess(const std::vector<std::string>& argv, const std::string& cwd,
               const std::vector<std::string>& env, std::string log_prefix)
      : m_log(std::move(log_prefix))
  {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (m_log + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, (m_log + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    std::vector<std::string> env_strings(env);
    for (char** e = environ; *e != nullptr; ++e) {
      env_strings.emplace_back(*e); // the first of two equal names wins in getenv: ours come first
    }
    std::vector<char*> envp;
    for (auto& s : env_strings) {
      envp.push_back(s.data());
    }
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& s : args) {
      argp.push_back(s.data());
    }
    argp.push_back(nullptr);
    const int spawned = posix_spawn(&m_pid, argp[0], &actions, nullptr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      throw std::runtime_error("cannot start " + argv[0]);
    }
  }
  ~ChildProcess()
  {
    if (!m_reaped) {
      kill(m_pid, SIGKILL);
      (void)wait();
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // True once the child has exited (reaped here); its code is then exit_code().
  bool exited()
  {
    if (m_reaped) {
      return true;
    }
    int status = 0;
    if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
      record(status);
    }
    return m_reaped;
  }
  void kill_now() { kill(m_pid, SIGKILL); }
  // Waits for the child; exit status, or 128 + signal.
  int wait()
  {
    if (!m_reaped) {
      int status = 0;
      waitpid(m_pid, &status, 0);
      record(status);
    }
    return m_code;
  }
  int exit_code() const { return m_code; }
  std::string err() const { return slurp(m_log + ".err"); }
  std::string out() const { return slurp(m_log + ".out"); }

private:
  void record(int status)
  {
    m_reaped = true;
    m_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  static std::string slurp(const std::string& path)
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::string m_log;
  pid_t m_pid = -1;
  bool m_reaped = false;
  int m_code = -1;
};

// Read-only SQL against a database file the child is not writing (it is dead or done).
class SqlProbe {
public:
  explicit SqlProbe(const std::string& path)
  {
    if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(m_db));
    }
  }
  ~SqlProbe() { sqlite3_close(m_db); }
  SqlProbe(const SqlProbe&) = delete;
  SqlProbe& operator=(const SqlProbe&) = delete;

  // Every row of the first column, as text ("" for NULL).
  std::vector<std::string> column(const std::string& sql) const
  {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(m_db));
    }
    std::vector<std::string> rows;
    int rc = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      rows.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text));
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(m_db));
    }
    return rows;
  }
  std::string scalar(const std::string& sql) const
  {
    auto rows = column(sql);
    return rows.empty() ? std::string() : rows.front();
  }

private:
  sqlite3* m_db = nullptr;
};

// The store invariants a crash must never break: SQLite's own integrity and foreign keys, one
// row per trial key, and every stored trial stored with all of its `metrics` scores (a trial and
// its scores commit in one transaction). Returns "" or what is wrong.
inline std::string store_damage(const std::string& db, int metrics)
{
  SqlProbe sql(db);
  std::string damage;
  if (const auto integrity = sql.column("PRAGMA integrity_check");
      integrity != std::vector<std::string>{"ok"}) {
    damage += "integrity_check: " + (integrity.empty() ? std::string("(nothing)") : integrity.front()) + "; ";
  }
  if (!sql.column("PRAGMA foreign_key_check").empty()) {
    damage += "foreign_key_check found rows; ";
  }
  if (const auto doubled =
          sql.scalar("SELECT count(*) FROM (SELECT 1 FROM trials GROUP BY run_id, candidate_id, "
                     "case_id, repeat_index HAVING count(*) > 1)");
      doubled != "0") {
    damage += doubled + " trial keys stored twice; ";
  }
  if (const auto partial =
          sql.scalar("SELECT count(*) FROM trials t WHERE (SELECT count(*) FROM scores s WHERE "
                     "s.trial_id = t.id) != " +
                     std::to_string(metrics));
      partial != "0") {
    damage += partial + " trials without all their scores; ";
  }
  if (const auto orphans =
          sql.scalar("SELECT count(*) FROM scores WHERE trial_id NOT IN (SELECT id FROM trials)");
      orphans != "0") {
    damage += orphans + " scores without a trial; ";
  }
  return damage;
}

} // namespace evalgate::testing
