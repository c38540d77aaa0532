#include <iomanip>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "evaluators/registry.hpp"
#include "providers/model_client.hpp"

namespace evalgate::cli {

Command list_command()
{
  return {"list", "List what this build offers: evaluators, providers", [](CLI::App& app) {
            auto what = std::make_shared<std::string>();
            app.add_option("what", *what, "evaluators | providers")
              ->required()
              ->check(CLI::IsMember({"evaluators", "providers"}));
            return [what] {
              if (*what == "evaluators") {
                for (const auto& type : evaluator_types()) {
                  std::cout << std::left << std::setw(18) << type.name << " " << type.doc
                            << (type.negatable ? "  (not-" + type.name + " negates)" : "") << "\n";
                }
              } else {
                for (const auto& type : provider_types()) {
                  std::cout << std::left << std::setw(18) << type.name << " " << type.doc << "\n";
                }
              }
              return 0;
            };
          }};
}

} // namespace evalgate::cli
