#pragma once
// Reads a fixture body from tests/fixtures/providers/.

#include <fstream>
#include <sstream>
#include <string>

namespace evalgate::testing {

inline std::string read_fixture(const std::string& name)
{
  std::ifstream in(std::string(EVALGATE_TEST_FIXTURES) + "/providers/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace evalgate::testing
