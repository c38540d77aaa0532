#include "store/run_merger.hpp"

#include <algorithm>
#include <map>

#include "store/store.hpp"
#include "store/trial_writer.hpp"

namespace evalgate {

namespace {

struct Shard {
  std::string path;
  RunData run;
  int index = 0;
  int count = 0;
};

Unexpected mismatch(const Shard& shard, const std::string& what)
{
  return fail(ErrorCategory::usage, shard.path + ": " + what);
}

Result<Shard> load_shard(const std::string& path)
{
  auto store = Store::open(path);
  if (!store) {
    return fail(store.error());
  }
  auto id = (*store)->resolve_run_id("latest");
  if (!id) {
    return fail(ErrorCategory::usage, path + ": no run to merge (" + id.error().message + ")");
  }
  auto run = (*store)->load_run(*id);
  if (!run) {
    return fail(run.error());
  }
  Shard shard{path, std::move(*run), 0, 0};
  const Json& spec = shard.run.info.options.value("shard", Json());
  if (!spec.is_object() || !spec.value("index", Json()).is_number_integer() ||
      !spec.value("count", Json()).is_number_integer()) {
    return mismatch(shard, "run " + shard.run.info.id + " was not run with --shard I/N");
  }
  shard.index = spec["index"].get<int>();
  shard.count = spec["count"].get<int>();
  if (shard.run.info.status != RunStatus::completed) {
    return mismatch(shard, "run " + shard.run.info.id + " (shard " + std::to_string(shard.index) + "/" +
                             std::to_string(shard.count) + ") is " + run_status_name(shard.run.info.status) +
                             "; finish it with evalgate run --resume before merging");
  }
  return shard;
}

std::string candidate_list(const RunInfo& info)
{
  std::string out;
  for (const auto& c : info.candidates) {
    out += (out.empty() ? "" : ", ") + c.id;
  }
  return out;
}

Result<void> check_fit(const std::vector<Shard>& shards)
{
  const Shard& first = shards.front();
  const int count = first.count;
  std::vector<const Shard*> by_index(static_cast<std::size_t>(count) + 1, nullptr);
  for (const Shard& shard : shards) {
    const RunInfo& a = first.run.info;
    const RunInfo& b = shard.run.info;
    if (shard.count != count) {
      return mismatch(shard, "is shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                               " but " + first.path + " is one of " + std::to_string(count));
    }
    if (b.suite_name != a.suite_name || b.config != a.config) {
      return mismatch(shard, "is a run of a different suite or suite version than " + first.path);
    }
    if (candidate_list(b) != candidate_list(a) || b.seed != a.seed || b.repeat != a.repeat) {
      return mismatch(shard, "differs from " + first.path + " in candidates, seed or repeat");
    }
    if (shard.index < 1 || shard.index > count) {
      return mismatch(shard, "has an invalid shard index " + std::to_string(shard.index));
    }
    if (by_index[static_cast<std::size_t>(shard.index)] != nullptr) {
      return mismatch(shard, "is shard " + std::to_string(shard.index) + "/" + std::to_string(count) +
                               ", as is " + by_index[static_cast<std::size_t>(shard.index)]->path);
    }
    by_index[static_cast<std::size_t>(shard.index)] = &shard;
  }
  for (int i = 1; i <= count; ++i) {
    if (by_index[static_cast<std::size_t>(i)] == nullptr) {
      return fail(ErrorCategory::usage, "shard " + std::to_string(i) + "/" + std::to_string(count) +
                                          " is missing: pass every shard's database");
    }
  }
  return {};
}

// The whole suite's case order: a shard's j-th case is case j*N + (I-1) (engine/shard.hpp).
std::vector<Case> merged_cases(const std::vector<Shard>& shards)
{
  std::vector<std::pair<std::int64_t, const Case*>> ordered;
  for (const Shard& shard : shards) {
    for (std::size_t j = 0; j < shard.run.cases.size(); ++j) {
      ordered.emplace_back(static_cast<std::int64_t>(j) * shard.count + (shard.index - 1), &shard.run.cases[j]);
    }
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Case> cases;
  for (const auto& [position, c] : ordered) {
    cases.push_back(*c);
  }
  return cases;
}

} // namespace

Result<MergeResult> merge_shards(const std::string& out_db, const std::vector<std::string>& shard_dbs,
                                 const std::string& evalgate_version)
{
  if (shard_dbs.empty()) {
    return fail(ErrorCategory::usage, "merge needs at least one shard database");
  }
  std::vector<Shard> shards;
  for (const auto& path : shard_dbs) {
    auto shard = load_shard(path);
    if (!shard) {
      return fail(shard.error());
    }
    shards.push_back(std::move(*shard));
  }
  if (auto ok = check_fit(shards); !ok) {
    return fail(ok.error());
  }

  RunInfo info = shards.front().run.info;
  info.status = RunStatus::running;
  info.verdict.clear();
  info.trial_count = 0;
  info.options = Json::object();
  for (const Shard& shard : shards) {
    info.options["merged_from"].push_back(Json{{"path", shard.path}, {"run", shard.run.info.id}, {"shard", shard.index}});
  }
  const std::vector<Case> cases = merged_cases(shards);

  auto store = Store::open(out_db);
  if (!store) {
    return fail(store.error());
  }
  (*store)->set_evalgate_version(evalgate_version);
  if (auto created = (*store)->create_run(info, cases); !created) {
    return fail(created.error());
  }
  auto writer = TrialWriter::start(out_db, info.id);
  if (!writer) {
    return fail(writer.error());
  }
  MergeResult result{info.id, static_cast<std::int64_t>(cases.size()), 0};
  for (const Shard& shard : shards) {
    for (const ScoredTrial& trial : shard.run.trials) {
      (*writer)->push(trial);
      ++result.trials;
    }
  }
  if (auto finished = (*writer)->finish(); !finished) {
    return fail(finished.error());
  }
  if (auto s = (*store)->set_run_status(info.id, RunStatus::completed); !s) {
    return fail(s.error());
  }
  return result;
}

} // namespace evalgate
