#include <iostream>

#include "command.hpp"

namespace evalgate::cli {

const std::vector<Command>& commands()
{
  static const std::vector<Command> table{
    run_command(),   validate_command(), runs_command(),          show_command(),
    export_command(), merge_command(),   list_command(),          mock_provider_command(),
    judge_command(),  cache_command(),
    gate_command(),   compare_command(), baseline_command(),
    traces_command(),
  };
  return table;
}

int exit_code_for(const Error& error)
{
  switch (error.category) {
  case ErrorCategory::usage:
  case ErrorCategory::config:
  case ErrorCategory::data: return 2;
  case ErrorCategory::provider:
  case ErrorCategory::store:
  case ErrorCategory::internal: return 3;
  case ErrorCategory::interrupted: return 130;
  }
  return 3;
}

int report_error(const Error& error)
{
  std::cerr << "evalgate: " << error.str() << "\n";
  return exit_code_for(error);
}

} // namespace evalgate::cli
