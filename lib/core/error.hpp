#pragma once
// core/error: the one error kind of evalgate. Library code returns Result<T> or throws
// EvalgateError carrying an Error; only cli/ turns errors into messages and exit codes.
// Depends on nothing.

#include <exception>
#include <string>

namespace evalgate {

enum class ErrorCategory {
  usage,       // bad command line
  config,      // suite file invalid
  data,        // dataset / trace / template content invalid
  provider,    // a provider or the transport failed in a way that stops the run
  store,       // SQLite failure
  internal,    // a bug
  interrupted, // the user stopped the run (Ctrl-C)
};

const char* category_name(ErrorCategory category);

// Where an error was found. Formats as "file:line:col" (YAML/JSON), "file:row N" (CSV/JSONL),
// "file" alone, or "" when nothing is known. `field` is an optional dotted path ("providers[1].type").
struct Location {
  std::string file;
  int line = 0;   // 1-based; 0 = unknown
  int column = 0; // 1-based; 0 = unknown
  long row = 0;   // 1-based data row for CSV/JSONL; 0 = not a row location
  std::string field;

  bool empty() const { return file.empty() && line == 0 && row == 0 && field.empty(); }
  std::string str() const;
};

struct Error {
  ErrorCategory category = ErrorCategory::internal;
  Location location;
  std::string message;

  // "evalgate.yaml:14:11: unknown evaluator type 'containz', did you mean 'contains'?"
  std::string str() const;
};

Error make_error(ErrorCategory category, std::string message, Location location = {});

class EvalgateError : public std::exception {
public:
  explicit EvalgateError(Error error);
  EvalgateError(ErrorCategory category, std::string message, Location location = {});
  const Error& error() const noexcept { return m_error; }
  const char* what() const noexcept override { return m_what.c_str(); }

private:
  Error m_error;
  std::string m_what;
};

} // namespace evalgate
