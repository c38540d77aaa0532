#include <iostream>
#include <memory>

#include "command.hpp"
#include "engine/provider_check.hpp"
#include "suite/suite_loader.hpp"

namespace evalgate::cli {

Command validate_command()
{
  return {"validate",
          "Check a suite (config, prompts, datasets, evaluators, provider options, gate) without calling any "
          "provider",
          [](CLI::App& app) {
            auto suite_path = std::make_shared<std::string>();
            app.add_option("suite", *suite_path, "Suite file (default: evalgate.yaml|.yml|.json here)");
            return [suite_path] {
              auto suite = load_suite(*suite_path);
              if (!suite) {
                return report_error(suite.error());
              }
              auto providers = check_providers(*suite);
              if (!providers) {
                return report_error(providers.error());
              }
              const auto candidates = suite_candidates(*suite);
              std::cout << suite->path << ": ok — " << suite->prompts.size() << " prompt(s), "
                        << suite->providers.size() << " provider(s), " << suite->cases.size() << " case(s), "
                        << suite->evaluators.size() << " default evaluator(s), " << suite->gate.size()
                        << " gate rule(s); " << candidates.size() * suite->cases.size() * suite->repeat
                        << " trials per run\n";
              for (const auto& missing : providers->missing_variables) {
                std::cout << "note: " << missing << "\n";
              }
              return 0;
            };
          }};
}

} // namespace evalgate::cli
