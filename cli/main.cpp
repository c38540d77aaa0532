// evalgate: evaluation and regression gate for LLM applications.
#include <iostream>

#include <curl/curl.h>

#include "command.hpp"

int main(int argc, char** argv)
{
  using namespace evalgate::cli;
  curl_global_init(CURL_GLOBAL_DEFAULT);

  CLI::App app{"evalgate: evaluate LLM prompts and models, store the results, gate on regressions"};
  app.set_version_flag("--version", EVALGATE_VERSION);
  app.require_subcommand(1);
  app.footer("Exit codes: 0 gate passed, 1 gate failed, 2 usage/config/data error, "
             "3 infrastructure failure, 130 interrupted.");

  Action action;
  for (const auto& command : commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.doc);
    Action bound = command.setup(*sub);
    sub->callback([&action, bound] { action = bound; });
  }

  int code = 0;
  try {
    app.parse(argc, argv);
    code = action ? action() : 2;
  } catch (const CLI::ParseError& e) {
    const int cli_code = app.exit(e);
    code = cli_code == 0 ? 0 : 2;
  } catch (const evalgate::EvalgateError& e) {
    code = report_error(e.error());
  } catch (const std::exception& e) {
    std::cerr << "evalgate: internal error: " << e.what() << "\n";
    code = 3;
  }
  curl_global_cleanup();
  return code;
}
