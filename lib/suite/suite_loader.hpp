#pragma once
// suite/suite_loader: files → a validated Suite. Reads the suite file (YAML, or JSON — parsed with
// the same YAML reader so both report line:column), prompt files and every dataset, and checks
// everything that can be checked before the first request: unknown keys, wrong types, missing
// files, duplicate ids, unknown provider and evaluator types (evaluators are built once to prove
// they construct), prompt variables missing from a case, gate rules naming unknown metrics or
// candidates. Errors are category config (suite file) or data (datasets, prompts) with
// "file:line:col" or "file:row N" locations. May use: core, evaluators, providers (type table).

#include <string>

#include "core/result.hpp"
#include "core/types.hpp"

namespace evalgate {

struct SuiteLoadOptions {
  // For `evalgate traces score`: prompts, providers and datasets become optional (the outputs come
  // from the traces), and gate rules may use min_p05.
  bool traces = false;
};

// `path` empty = look for evalgate.yaml, evalgate.yml, evalgate.json in the working directory.
Result<Suite> load_suite(const std::string& path);
Result<Suite> load_suite(const std::string& path, const SuiteLoadOptions& options);

// The candidates of a suite: prompts × providers, in suite order, ids "<prompt>/<provider>".
std::vector<Candidate> suite_candidates(const Suite& suite);

} // namespace evalgate
