#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "process.hpp"

using namespace evalgate::testing;

namespace {

std::vector<std::string> subcommands_in_help(const std::string& help)
{
  std::vector<std::string> names;
  std::istringstream lines(help);
  std::string line;
  bool in_list = false;
  while (std::getline(lines, line)) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_list = true;
      continue;
    }
    if (in_list) {
      if (line.size() < 3 || line[0] != ' ') {
        break;
      }
      std::istringstream words(line);
      std::string name;
      words >> name;
      names.push_back(name);
    }
  }
  return names;
}

} // namespace

TEST_CASE("every subcommand has a help line, answers --help, and is documented in the README")
{
  auto help = run_process({EVALGATE_BIN, "--help"});
  REQUIRE(help.exit_code == 0);
  const auto names = subcommands_in_help(help.out);
  REQUIRE(names.size() >= 6);
  std::stringstream readme;
  readme << std::ifstream(std::string(EVALGATE_SOURCE_DIR) + "/README.md").rdbuf();
  for (const auto& name : names) {
    INFO(name);
    auto sub = run_process({EVALGATE_BIN, name, "--help"});
    CHECK(sub.exit_code == 0);
    CHECK(sub.out.find("Usage:") != std::string::npos);
    CHECK(readme.str().find("evalgate " + name) != std::string::npos);
  }
}

TEST_CASE("list prints the evaluator and provider tables with a doc line per row")
{
  auto evaluators = run_process({EVALGATE_BIN, "list", "evaluators"});
  CHECK(evaluators.exit_code == 0);
  CHECK(evaluators.out.find("contains ") != std::string::npos);
  CHECK(evaluators.out.find("json-field ") != std::string::npos);
  auto providers = run_process({EVALGATE_BIN, "list", "providers"});
  CHECK(providers.exit_code == 0);
  CHECK(providers.out.find("openai ") != std::string::npos);
  CHECK(providers.out.find("field ") != std::string::npos);
  CHECK(run_process({EVALGATE_BIN, "list", "nonsense"}).exit_code == 2);
}

TEST_CASE("list starts every doc line in the same column, however long the longest name is")
{
  for (const char* what : {"evaluators", "providers"}) {
    auto listed = run_process({EVALGATE_BIN, "list", what});
    REQUIRE(listed.exit_code == 0);
    std::istringstream lines(listed.out);
    std::set<std::size_t> doc_columns;
    for (std::string line; std::getline(lines, line);) {
      doc_columns.insert(line.find_first_not_of(' ', line.find(' ')));
    }
    CHECK(doc_columns.size() == 1);
  }
}
