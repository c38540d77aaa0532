#include <iostream>
#include <memory>

#include "command.hpp"
#include "store/run_merger.hpp"

namespace evalgate::cli {

namespace {

struct MergeFlags {
  std::string out;
  std::vector<std::string> shards;
};

int execute(const MergeFlags& flags)
{
  auto merged = merge_shards(flags.out, flags.shards, EVALGATE_VERSION);
  if (!merged) {
    return report_error(merged.error());
  }
  std::cout << "merged " << flags.shards.size() << " shards into run " << merged->run_id << " in " << flags.out
            << " (" << merged->cases << " cases, " << merged->trials << " trials)\n"
            << "judge it with: evalgate gate " << merged->run_id << " --db " << flags.out << "\n";
  return 0;
}

} // namespace

Command merge_command()
{
  return {"merge", "Combine the runs of evalgate run --shard I/N into one run", [](CLI::App& app) {
            auto flags = std::make_shared<MergeFlags>();
            app.add_option("out", flags->out, "Database to write the merged run to")->required();
            app.add_option("shards", flags->shards, "Each shard's database (its latest run is taken)")
              ->required()
              ->check(CLI::ExistingFile);
            return [flags] { return execute(*flags); };
          }};
}

} // namespace evalgate::cli
