#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "providers/model_client.hpp"

using namespace evalgate;

TEST_CASE("docs/providers.md documents every provider type and its own keys")
{
  std::ifstream file(std::string(EVALGATE_SOURCE_DIR) + "/docs/providers.md");
  REQUIRE(file.good());
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string docs = buffer.str();
  for (const auto& type : provider_types()) {
    const std::string name = type.name;
    CAPTURE(name);
    // A section of its own, or a row of the OpenAI-compatible presets table.
    CHECK((docs.find("## `" + name + "`") != std::string::npos ||
           docs.find("| `" + name + "` |") != std::string::npos));
    for (const char* key : type.option_keys) {
      CAPTURE(key);
      CHECK(docs.find("| `" + std::string(key) + "` |") != std::string::npos);
    }
  }
  for (const char* key : provider_common_option_keys()) {
    if (std::string(key) == "stream" || std::string(key) == "headers") {
      CHECK(docs.find("| `" + std::string(key) + "` |") != std::string::npos);
    }
  }
}
