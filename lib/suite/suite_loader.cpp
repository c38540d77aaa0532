#include "suite/suite_loader.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "suite/case_id_index.hpp"
#include "suite/dataset_reader.hpp"
#include "suite/mapping_reader.hpp"
#include "suite/suite_sections.hpp"
#include "suite/yaml_node.hpp"

namespace evalgate {

namespace {

namespace fs = std::filesystem;
using namespace suite_detail;

const std::vector<std::string> k_top_keys = {"concurrency", "datasets",  "description",    "evaluators",
                                             "gate",        "judges",    "max_error_rate", "name",
                                             "prompts",     "providers", "repeat"};

Result<std::string> find_suite_file()
{
  for (const char* name : {"evalgate.yaml", "evalgate.yml", "evalgate.json"}) {
    std::error_code ec;
    if (fs::is_regular_file(name, ec)) {
      return std::string(name);
    }
  }
  std::error_code ec;
  return fail(ErrorCategory::usage, "no suite file given and none of evalgate.yaml, evalgate.yml, evalgate.json in " +
                                      fs::current_path(ec).string());
}

Result<std::string> read_suite_text(const std::string& path)
{
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return fail(ErrorCategory::usage, std::string("cannot open suite file: ") + std::strerror(EISDIR), file_location(path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCategory::usage, std::string("cannot open suite file: ") + std::strerror(errno), file_location(path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<void> read_datasets(const SuiteFile& file, const YAML::Node& node, const Location& at, Suite& suite)
{
  if (!node.IsSequence() || node.size() == 0) {
    return fail(ErrorCategory::config, "'datasets' must be a non-empty list of dataset files, got " + describe(node),
                at);
  }
  CaseIdIndex first_seen(suite.cases); // case id -> its first position in suite.cases
  for (std::size_t i = 0; i < suite.cases.size(); ++i) {
    first_seen.add(i);
  }
  for (const auto& item : node) {
    std::string written;
    Location item_at = node_location(file.display, item);
    if (item.IsScalar()) {
      written = item.Scalar();
    } else {
      auto reader = MappingReader::open(file.display, item, "each dataset (a path or {file: path})", {"file"});
      if (!reader) {
        return fail(reader.error());
      }
      auto path = reader->string("file");
      if (!path) {
        return fail(path.error());
      }
      if (!*path) {
        return reader->error("each dataset mapping needs 'file' (the dataset's path)", reader->location());
      }
      written = **path;
    }
    if (written.empty()) {
      return fail(ErrorCategory::config, "a dataset path is empty", item_at);
    }
    const fs::path resolved = (file.base_dir / written).lexically_normal();
    // Each case goes straight into the suite's compact list as it is read: a dataset is never
    // held as Case structs (~700 bytes each with a few vars, against ~80 in the list).
    auto cases = read_dataset(resolved.string(), written, [&](Case&& test_case) -> Result<void> {
      if (const auto previous = first_seen.find(test_case.id)) {
        const std::string first = suite.cases[*previous].location.str();
        return fail(ErrorCategory::data, "duplicate case id '" + test_case.id + "' (first at " + first + ")",
                    test_case.location);
      }
      suite.cases.push_back(test_case);
      first_seen.add(suite.cases.size() - 1);
      return {};
    });
    if (!cases) {
      return fail(cases.error());
    }
    suite.datasets.push_back(written);
  }
  return {};
}

Result<void> read_scalars(const MappingReader& top, const SuiteFile& file, Suite& suite)
{
  auto name = top.string("name");
  if (!name) {
    return fail(name.error());
  }
  suite.name = *name ? **name : file.base_dir.filename().string();
  if (auto description = top.string("description"); !description) {
    return fail(description.error());
  }
  auto concurrency = top.integer("concurrency", 1);
  if (!concurrency) {
    return fail(concurrency.error());
  }
  suite.concurrency = static_cast<int>(concurrency->value_or(suite.concurrency));
  auto repeat = top.integer("repeat", 1);
  if (!repeat) {
    return fail(repeat.error());
  }
  suite.repeat = static_cast<int>(repeat->value_or(suite.repeat));
  auto max_error_rate = top.unit_number("max_error_rate");
  if (!max_error_rate) {
    return fail(max_error_rate.error());
  }
  suite.max_error_rate = max_error_rate->value_or(suite.max_error_rate);
  return {};
}

Result<void> require_keys(const MappingReader& top)
{
  for (const char* key : {"prompts", "providers", "datasets"}) {
    if (!top.has(key)) {
      return top.error(std::string("missing required key '") + key + "' (the suite needs prompts, providers and datasets)",
                       top.location());
    }
  }
  return {};
}

Result<Suite> parse_document(const SuiteFile& file, const YAML::Node& root)
{
  if (is_nothing(root)) {
    return fail(ErrorCategory::config, "the suite file is empty; expected prompts, providers and datasets",
                file_location(file.display));
  }
  auto top = MappingReader::open(file.display, root, "the suite file", k_top_keys);
  if (!top) {
    return fail(top.error());
  }
  Suite suite;
  if (auto ok = read_scalars(*top, file, suite); !ok) {
    return fail(ok.error());
  }
  if (!file.traces) {
    if (auto ok = require_keys(*top); !ok) {
      return fail(ok.error());
    }
  }
  if (!file.traces || top->has("prompts")) {
    auto prompts = parse_prompts(file, top->value("prompts"), top->value_location("prompts"));
    if (!prompts) {
      return fail(prompts.error());
    }
    suite.prompts = std::move(*prompts);
  }
  if (!file.traces || top->has("providers")) {
    auto providers = parse_providers(file, top->value("providers"), top->value_location("providers"), false);
    if (!providers) {
      return fail(providers.error());
    }
    suite.providers = std::move(*providers);
  }
  if (top->has("judges")) {
    auto judges = parse_providers(file, top->value("judges"), top->value_location("judges"), true);
    if (!judges) {
      return fail(judges.error());
    }
    suite.judges = std::move(*judges);
  }
  for (const auto& judge : suite.judges) {
    for (const auto& provider : suite.providers) {
      if (judge.id == provider.id) {
        return fail(ErrorCategory::config,
                    "judge id '" + judge.id + "' is also a provider id (at " + provider.location.str() +
                      "); give each a distinct 'id'",
                    judge.location);
      }
    }
  }
  if (top->has("evaluators")) {
    auto evaluators = parse_evaluators(file, top->value("evaluators"), suite.judges);
    if (!evaluators) {
      return fail(evaluators.error());
    }
    suite.evaluators = std::move(*evaluators);
  }
  if (!file.traces || top->has("datasets")) {
    if (auto ok = read_datasets(file, top->value("datasets"), top->value_location("datasets"), suite); !ok) {
      return fail(ok.error());
    }
  }
  if (auto ok = check_evaluators(suite); !ok) {
    return fail(ok.error());
  }
  if (top->has("gate")) {
    auto gate = parse_gate(file, top->value("gate"), suite);
    if (!gate) {
      return fail(gate.error());
    }
    suite.gate = std::move(*gate);
  }
  if (auto ok = check_cases_fit(suite); !ok) {
    return fail(ok.error());
  }
  return suite;
}

} // namespace

Result<Suite> load_suite(const std::string& path) { return load_suite(path, SuiteLoadOptions{}); }

Result<Suite> load_suite(const std::string& path, const SuiteLoadOptions& options)
{
  std::string given = path;
  if (given.empty()) {
    auto found = find_suite_file();
    if (!found) {
      return fail(found.error());
    }
    given = *found;
  }
  auto text = read_suite_text(given);
  if (!text) {
    return fail(text.error());
  }
  std::error_code ec;
  const fs::path absolute = fs::absolute(given, ec).lexically_normal();
  const SuiteFile file{given, absolute.parent_path(), options.traces};
  const bool json = fs::path(given).extension() == ".json";
  try {
    auto root = parse_yaml(*text, given, json, ErrorCategory::config);
    if (!root) {
      return fail(root.error());
    }
    auto suite = parse_document(file, *root);
    if (!suite) {
      return suite;
    }
    suite->path = given;
    suite->base_dir = file.base_dir.string();
    auto document = to_json(*root, given, ErrorCategory::config);
    if (!document) {
      return fail(document.error());
    }
    suite->snapshot = redact_snapshot(std::move(*document));
    return suite;
  } catch (const YAML::Exception& e) {
    // Node accessors throw on shapes the section parsers did not expect: still a suite error.
    return fail(ErrorCategory::config, std::string("cannot read suite: ") + e.msg, file_location(given));
  }
}

std::vector<Candidate> suite_candidates(const Suite& suite)
{
  std::vector<Candidate> candidates;
  candidates.reserve(suite.prompts.size() * suite.providers.size());
  for (const auto& prompt : suite.prompts) {
    for (const auto& provider : suite.providers) {
      candidates.push_back(Candidate{prompt.id + "/" + provider.id, prompt.id, provider.id});
    }
  }
  return candidates;
}

} // namespace evalgate
