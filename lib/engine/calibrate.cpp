#include "engine/calibrate.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "evaluators/registry.hpp"
#include "providers/model_client.hpp"
#include "suite/dataset_reader.hpp"

namespace evalgate {

namespace {

constexpr int k_max_threads = 16;

struct LabelledCase {
  Case test_case;
  std::string output;
  std::optional<bool> label;
  std::optional<double> score;
};

Result<std::optional<bool>> read_label(const Json& vars, const Case& test_case)
{
  auto it = vars.find("label");
  if (it == vars.end() || it->is_null()) {
    return std::optional<bool>();
  }
  if (it->is_boolean()) {
    return std::optional<bool>(it->get<bool>());
  }
  if (it->is_string()) {
    std::string text = it->get<std::string>();
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (text == "pass" || text == "true" || text == "yes" || text == "1") {
      return std::optional<bool>(true);
    }
    if (text == "fail" || text == "false" || text == "no" || text == "0") {
      return std::optional<bool>(false);
    }
  }
  return fail(ErrorCategory::data, "'label' must be pass or fail (or true/false), got " + it->dump(),
              test_case.location);
}

Result<std::optional<double>> read_score(const Json& vars, const Case& test_case)
{
  auto it = vars.find("score");
  if (it == vars.end() || it->is_null()) {
    return std::optional<double>();
  }
  if (it->is_number()) {
    return std::optional<double>(it->get<double>());
  }
  if (it->is_string()) {
    try {
      std::size_t used = 0;
      double value = std::stod(it->get<std::string>(), &used);
      if (used == it->get<std::string>().size()) {
        return std::optional<double>(value);
      }
    } catch (const std::exception&) {
    }
  }
  return fail(ErrorCategory::data, "'score' must be a number, got " + it->dump(), test_case.location);
}

Result<std::vector<LabelledCase>> read_labels(const std::string& path)
{
  auto cases = read_dataset(path, path);
  if (!cases) {
    return fail(cases.error());
  }
  std::vector<LabelledCase> labelled;
  for (auto& test_case : *cases) {
    LabelledCase row;
    const Json& vars = test_case.vars;
    auto output = vars.find("output");
    if (output == vars.end() || !output->is_string()) {
      return fail(ErrorCategory::data,
                  "each labelled row needs 'output' (the text the evaluator grades, a string)",
                  test_case.location);
    }
    row.output = output->get<std::string>();
    auto label = read_label(vars, test_case);
    if (!label) {
      return fail(label.error());
    }
    auto score = read_score(vars, test_case);
    if (!score) {
      return fail(score.error());
    }
    if (!*label && !*score) {
      return fail(ErrorCategory::data,
                  "each labelled row needs 'label' (pass/fail) and/or 'score' (a number)",
                  test_case.location);
    }
    row.label = *label;
    row.score = *score;
    row.test_case = std::move(test_case);
    labelled.push_back(std::move(row));
  }
  return labelled;
}

const EvaluatorSpec* find_spec(const Suite& suite, const std::string& name)
{
  for (const auto& spec : suite.evaluators) {
    if (spec.name == name) {
      return &spec;
    }
  }
  return nullptr;
}

} // namespace

Result<CalibrationReport> run_calibration(const Suite& suite, const CalibrationOptions& options)
{
  const EvaluatorSpec* spec = find_spec(suite, options.evaluator);
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const auto& s : suite.evaluators) {
      names.push_back(s.name);
    }
    return fail(
        ErrorCategory::usage,
        fmt::format("suite '{}' has no evaluator named '{}'; its evaluators: {}", suite.path,
                    options.evaluator,
                    names.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(names, ", "))));
  }
  auto rows = read_labels(options.labels_path);
  if (!rows) {
    return fail(rows.error());
  }

  auto transport = make_curl_transport();
  std::map<std::string, std::unique_ptr<ModelClient>> judges;
  for (const auto& judge : suite.judges) {
    auto client = make_model_client(judge, *transport);
    if (!client) {
      return fail(client.error());
    }
    judges.emplace(judge.id, std::move(*client));
  }
  EvaluatorContext context;
  for (const auto& judge : suite.judges) {
    context.judge_ids.push_back(judge.id);
  }
  context.base_dir = suite.base_dir;
  context.client = [&judges](const std::string& id) -> ModelClient* {
    auto found = judges.find(id);
    return found == judges.end() ? nullptr : found->second.get();
  };
  auto evaluator = make_evaluator(*spec, context);
  if (!evaluator) {
    return fail(evaluator.error());
  }

  CalibrationReport report;
  report.evaluator = options.evaluator;
  report.labels_path = options.labels_path;
  report.rows.resize(rows->size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < rows->size(); i = next++) {
      const LabelledCase& row = (*rows)[i];
      Trial trial;
      trial.case_id = row.test_case.id;
      trial.output = row.output;
      CalibrationRow& out = report.rows[i];
      out.case_id = row.test_case.id;
      out.human_pass = row.label;
      out.human_score = row.score;
      out.score = (*evaluator)->evaluate(EvalInput{row.test_case, trial});
    }
  };
  const int threads =
      std::clamp(std::min(suite.concurrency, static_cast<int>(rows->size())), 1, k_max_threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back(work);
  }
  for (auto& thread : pool) {
    thread.join();
  }

  std::vector<bool> human_pass;
  std::vector<bool> judge_pass;
  std::vector<double> human_score;
  std::vector<double> judge_score;
  for (const auto& row : report.rows) {
    report.judge_cost_usd += row.score.cost_usd;
    if (row.score.errored()) {
      ++report.errored;
      continue;
    }
    if (row.human_pass) {
      human_pass.push_back(*row.human_pass);
      judge_pass.push_back(row.score.pass);
    }
    if (row.human_score) {
      human_score.push_back(*row.human_score);
      judge_score.push_back(row.score.value);
    }
  }
  if (!human_pass.empty()) {
    report.pass_fail = binary_agreement(human_pass, judge_pass);
  }
  report.score_pairs = static_cast<std::int64_t>(human_score.size());
  report.spearman = spearman(human_score, judge_score);
  return report;
}

Json calibration_json(const CalibrationReport& report)
{
  Json out = Json::object();
  out["evaluator"] = report.evaluator;
  out["labels"] = report.labels_path;
  out["n"] = report.rows.size();
  out["errored"] = report.errored;
  out["judge_cost_usd"] = report.judge_cost_usd;
  if (report.pass_fail) {
    const auto& m = report.pass_fail->matrix;
    out["pass_fail"] = {
        {"n", m.n()},
        {"agreement", report.pass_fail->agreement},
        {"kappa", report.pass_fail->kappa ? Json(*report.pass_fail->kappa) : Json(nullptr)},
        {"confusion",
         {{"human_pass", {{"judge_pass", m.both_pass}, {"judge_fail", m.human_pass_judge_fail}}},
          {"human_fail", {{"judge_pass", m.human_fail_judge_pass}, {"judge_fail", m.both_fail}}}}}};
  } else {
    out["pass_fail"] = nullptr;
  }
  out["scores"] = {{"n", report.score_pairs},
                   {"spearman", report.spearman ? Json(*report.spearman) : Json(nullptr)}};
  Json rows = Json::array();
  for (const auto& row : report.rows) {
    Json item = {{"case", row.case_id}, {"value", row.score.value}, {"pass", row.score.pass}};
    if (row.human_pass) {
      item["label"] = *row.human_pass ? "pass" : "fail";
    }
    if (row.human_score) {
      item["score"] = *row.human_score;
    }
    if (row.score.errored()) {
      item["error"] = row.score.error;
    }
    rows.push_back(std::move(item));
  }
  out["rows"] = std::move(rows);
  return out;
}

std::string calibration_text(const CalibrationReport& report)
{
  std::string text =
      fmt::format("calibration of '{}' on {} labelled example(s) from {}; {} errored score(s)\n",
                  report.evaluator, report.rows.size(), report.labels_path, report.errored);
  if (report.pass_fail) {
    const auto& m = report.pass_fail->matrix;
    text += fmt::format("pass/fail (n={}): agreement {:.1f}%, Cohen's kappa {}\n", m.n(),
                        100.0 * report.pass_fail->agreement,
                        report.pass_fail->kappa ? fmt::format("{:.3f}", *report.pass_fail->kappa)
                                                : std::string("undefined (both raters constant)"));
    text += fmt::format("{:<12}{:>12}{:>12}\n", "", "judge pass", "judge fail");
    text += fmt::format("{:<12}{:>12}{:>12}\n", "human pass", m.both_pass, m.human_pass_judge_fail);
    text += fmt::format("{:<12}{:>12}{:>12}\n", "human fail", m.human_fail_judge_pass, m.both_fail);
  } else {
    text += "pass/fail: no labelled rows\n";
  }
  if (report.score_pairs > 0) {
    text += fmt::format("scores (n={}): Spearman {}\n", report.score_pairs,
                        report.spearman ? fmt::format("{:.3f}", *report.spearman)
                                        : std::string("undefined (constant)"));
  }
  if (report.errored > 0) {
    for (const auto& row : report.rows) {
      if (row.score.errored()) {
        text += fmt::format("first error ({}): {}\n", row.case_id, row.score.error);
        break;
      }
    }
  }
  return text;
}

} // namespace evalgate
