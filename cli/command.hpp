#pragma once
// cli/command: the subcommand table. Each subcommand binds its flags to an options struct and
// returns the action to run after parsing; the action returns the process exit code.

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/error.hpp"

namespace evalgate::cli {

using Action = std::function<int()>;

struct Command {
  const char* name;
  const char* doc;
  std::function<Action(CLI::App&)> setup;
};

const std::vector<Command>& commands();

Command run_command();
Command validate_command();
Command runs_command();
Command show_command();
Command export_command();
Command merge_command();
Command list_command();
Command mock_provider_command();
Command judge_command();
Command cache_command();
Command gate_command();
Command compare_command();
Command baseline_command();
Command traces_command();

// DESIGN.md exit codes for an error that stopped a command.
int exit_code_for(const Error& error);
// Prints "evalgate: <location>: <message>" to stderr and returns its exit code.
int report_error(const Error& error);

inline constexpr const char* k_default_db = ".evalgate/evalgate.db";

} // namespace evalgate::cli
