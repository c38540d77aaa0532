#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string_view>

#include "command.hpp"
#include "evaluators/registry.hpp"
#include "providers/model_client.hpp"

namespace evalgate::cli {
namespace {

// The longest name sets the column, so every doc line starts at the same place.
template <typename Types>
int name_column_width(const Types& types)
{
  std::size_t width = 0;
  for (const auto& type : types) {
    width = std::max(width, std::string_view(type.name).size());
  }
  return static_cast<int>(width);
}

} // namespace

Command list_command()
{
  return {"list", "List what this build offers: evaluators, providers", [](CLI::App& app) {
            auto what = std::make_shared<std::string>();
            app.add_option("what", *what, "evaluators | providers")
                ->required()
                ->check(CLI::IsMember({"evaluators", "providers"}));
            return [what] {
              if (*what == "evaluators") {
                const auto& types = evaluator_types();
                const int width = name_column_width(types);
                for (const auto& type : types) {
                  std::cout << std::left << std::setw(width) << type.name << " " << type.doc
                            << (type.negatable ? "  (not-" + type.name + " negates)" : "") << "\n";
                }
              } else {
                const auto& types = provider_types();
                const int width = name_column_width(types);
                for (const auto& type : types) {
                  std::cout << std::left << std::setw(width) << type.name << " " << type.doc << "\n";
                }
              }
              return 0;
            };
          }};
}

} // namespace evalgate::cli
