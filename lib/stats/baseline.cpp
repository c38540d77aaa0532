#include "stats/baseline.hpp"

#include <cmath>

#include <fmt/format.h>

namespace evalgate {

namespace {

double rounded(double value)
{
  return std::round(value * 1e6) / 1e6;
}

std::string quoted(const std::string& text)
{
  return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Unexpected bad(const std::string& path, const std::string& field, const std::string& message)
{
  Location where;
  where.file = path;
  where.field = field;
  return fail(ErrorCategory::data, message, where); // Location::str() shows the field
}

std::string describe(const Json& value)
{
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}

Result<CaseValue> parse_case(const std::string& path, const std::string& field, const Json& node)
{
  if (!node.is_object()) {
    return bad(path, field, "expected an object {\"pass\", \"value\"}, got " + describe(node));
  }
  for (const auto& [key, item] : node.items()) {
    if (key != "pass" && key != "value" && key != "repeats") {
      return bad(path, field + "." + key, "unknown key; expected pass, repeats, value");
    }
  }
  CaseValue v;
  auto value = node.find("value");
  if (value == node.end() || !value->is_number() || value->get<double>() < 0 || value->get<double>() > 1) {
    return bad(path, field + ".value",
               "expected a number in [0, 1], got " + (value == node.end() ? "nothing" : describe(*value)));
  }
  v.value = value->get<double>();
  auto pass = node.find("pass");
  if (pass == node.end() || !pass->is_boolean()) {
    return bad(path, field + ".pass",
               "expected true or false, got " + (pass == node.end() ? "nothing" : describe(*pass)));
  }
  v.pass = pass->get<bool>();
  v.scored = 1;
  if (auto repeats = node.find("repeats"); repeats != node.end()) {
    if (!repeats->is_number_integer() || repeats->get<long>() < 1) {
      return bad(path, field + ".repeats", "expected a positive integer, got " + describe(*repeats));
    }
    v.scored = static_cast<int>(repeats->get<long>());
  }
  v.passes = v.pass ? v.scored : 0;
  return v;
}

Location position_of(const std::string& text, std::size_t byte, const std::string& path)
{
  Location where;
  where.file = path;
  where.line = 1;
  where.column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++where.line;
      where.column = 1;
    } else {
      ++where.column;
    }
  }
  return where;
}

} // namespace

void write_baseline(std::ostream& out, const RunInfo& run, const CaseTable& table)
{
  out << "{\n";
  out << fmt::format("  \"evalgate_baseline\": {},\n", k_baseline_format);
  out << fmt::format("  \"run\": {},\n", quoted(run.id));
  out << fmt::format("  \"seed\": {},\n", run.seed);
  out << fmt::format("  \"suite\": {},\n", quoted(run.suite_name));
  out << "  \"candidates\": {";
  const char* candidate_sep = "\n";
  for (const auto& [candidate, metrics] : table.candidates) {
    out << candidate_sep << "    " << quoted(candidate) << ": {";
    const char* metric_sep = "\n";
    for (const auto& [metric, cases] : metrics) {
      out << metric_sep << "      " << quoted(metric) << ": {";
      const char* case_sep = "\n";
      for (const auto& [id, v] : cases) {
        if (v.scored == 0) {
          continue;
        }
        // nlohmann's objects are std::map-ordered, so keys come out sorted.
        const Json entry = {{"pass", v.pass}, {"repeats", v.repeats()}, {"value", rounded(v.value)}};
        out << case_sep << "        " << quoted(id) << ": " << entry.dump();
        case_sep = ",\n";
      }
      out << "\n      }";
      metric_sep = ",\n";
    }
    out << "\n    }";
    candidate_sep = ",\n";
  }
  out << "\n  }\n}\n";
}

Result<CaseTable> parse_baseline(const std::string& text, const std::string& path)
{
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::parse_error& e) {
    const std::string what = e.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
    const auto colon = what.find(": ", what.find("column"));
    return fail(ErrorCategory::data,
                "not a valid baseline file (JSON syntax): " +
                    (colon == std::string::npos ? what : what.substr(colon + 2)),
                position_of(text, e.byte == 0 ? 0 : e.byte - 1, path));
  }
  if (!document.is_object()) {
    return bad(path, "", "not a baseline file: expected a JSON object, got " + describe(document));
  }
  auto format = document.find("evalgate_baseline");
  if (format == document.end()) {
    return bad(path, "",
               "not a baseline file: no \"evalgate_baseline\" key (write one with `evalgate baseline save`)");
  }
  if (!format->is_number_integer() || format->get<long>() != k_baseline_format) {
    return bad(path, "evalgate_baseline",
               fmt::format("unsupported baseline format {}; this evalgate reads format {}", describe(*format),
                           k_baseline_format));
  }
  CaseTable table;
  table.source = path;
  if (auto seed = document.find("seed"); seed != document.end()) {
    if (!seed->is_number_unsigned()) {
      return bad(path, "seed", "expected a non-negative integer, got " + describe(*seed));
    }
    table.seed = seed->get<std::uint64_t>();
  }
  auto candidates = document.find("candidates");
  if (candidates == document.end() || !candidates->is_object()) {
    return bad(path, "candidates",
               "expected an object of candidate id → metric → case → value, got " +
                   (candidates == document.end() ? std::string("nothing") : describe(*candidates)));
  }
  for (const auto& [candidate, metrics] : candidates->items()) {
    const std::string candidate_field = "candidates." + candidate;
    if (!metrics.is_object()) {
      return bad(path, candidate_field,
                 "expected an object of metric → case → value, got " + describe(metrics));
    }
    MetricCases& out_metrics = table.candidates[candidate];
    for (const auto& [metric, cases] : metrics.items()) {
      const std::string metric_field = candidate_field + "." + metric;
      if (!cases.is_object()) {
        return bad(path, metric_field, "expected an object of case id → value, got " + describe(cases));
      }
      auto& out_cases = out_metrics[metric];
      for (const auto& [id, node] : cases.items()) {
        auto value = parse_case(path, metric_field + "." + id, node);
        if (!value) {
          return fail(value.error());
        }
        out_cases.emplace(id, *value);
      }
    }
  }
  return table;
}

} // namespace evalgate
