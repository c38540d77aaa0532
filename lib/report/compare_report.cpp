#include "report/compare_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "report/text_table.hpp"

namespace evalgate {

namespace {

using report_detail::Align;
using report_detail::elide;
using report_detail::single_line;
using report_detail::TextTable;

constexpr std::size_t k_output_width = 60;

std::string side_label(const std::string& run, const std::string& candidate)
{
  return fmt::format("{} @ {}", candidate, run);
}

std::string interval(const MetricComparison& m)
{
  return m.shared == 0 ? "-" : fmt::format("[{:+.3f}, {:+.3f}]", m.delta_interval.low, m.delta_interval.high);
}

std::string number(const MetricComparison& m, double value, const char* spec = "{:.3f}")
{
  return m.shared == 0 ? "-" : fmt::format(fmt::runtime(spec), value);
}

std::string listed(const std::vector<std::string>& ids, std::size_t limit = 10)
{
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < limit; ++i) {
    out += (i == 0 ? "" : ", ") + ids[i];
  }
  if (ids.size() > limit) {
    out += fmt::format(", … {} more", ids.size() - limit);
  }
  return out;
}

std::string p_text(const MetricComparison& m, double p)
{
  if (m.shared == 0) {
    return "-";
  }
  return p < 0.001 ? "<0.001" : fmt::format("{:.3f}", p);
}

std::string cost_text(const CandidateStats& s)
{
  if (s.cost_unknown > 0 && s.cost_unknown == s.ok_trials && s.known_cost_usd == 0) {
    return "unknown";
  }
  std::string out = fmt::format("${:.4f}", s.known_cost_usd);
  if (s.cost_unknown > 0) {
    out += fmt::format(" (+{} trials of unknown cost)", s.cost_unknown);
  }
  return out;
}

std::string one_sided_line(const MetricComparison& m)
{
  std::string out;
  if (!m.only_a.empty()) {
    out += fmt::format("{} case(s) only in A: {}", m.only_a.size(), listed(m.only_a));
  }
  if (!m.only_b.empty()) {
    out +=
        fmt::format("{}{} case(s) only in B: {}", out.empty() ? "" : "; ", m.only_b.size(), listed(m.only_b));
  }
  return out;
}

// ---- terminal ----------------------------------------------------------------------------

void write_cases(std::ostream& out, const char* title, const MetricComparison& m,
                 const std::vector<CaseDelta>& cases)
{
  if (cases.empty()) {
    return;
  }
  out << fmt::format("{} ({}):\n", title, m.metric);
  for (const CaseDelta& d : cases) {
    out << fmt::format("  {}  {:.3f} → {:.3f} ({:+.3f})\n", single_line(d.case_id), d.a.value, d.b.value,
                       d.delta);
    out << fmt::format("    A: {}", elide(single_line(d.a.output), k_output_width));
    out << (d.a.reason.empty() ? "\n"
                               : fmt::format("  — {}\n", elide(single_line(d.a.reason), k_output_width)));
    out << fmt::format("    B: {}", elide(single_line(d.b.output), k_output_width));
    out << (d.b.reason.empty() ? "\n"
                               : fmt::format("  — {}\n", elide(single_line(d.b.reason), k_output_width)));
  }
}

void write_section(std::ostream& out, const RunComparison& c, const ComparisonSection& s)
{
  out << fmt::format("A = {}\nB = {}\n\n", side_label(c.run_a, s.candidate_a),
                     side_label(c.run_b, s.candidate_b));
  if (s.metrics.empty()) {
    out << "no scores on either side\n";
  } else {
    TextTable table({{"metric", Align::left, 28},
                     {"A", Align::right, 0},
                     {"B", Align::right, 0},
                     {"delta", Align::right, 0},
                     {"95% CI", Align::left, 0},
                     {"p", Align::right, 0},
                     {"McNemar p", Align::right, 0},
                     {"W/T/L", Align::right, 0},
                     {"shared", Align::right, 0}});
    for (const MetricComparison& m : s.metrics) {
      table.add_row({single_line(m.metric), number(m, m.mean_a), number(m, m.mean_b),
                     number(m, m.delta, "{:+.3f}"), interval(m), p_text(m, m.p_value), p_text(m, m.mcnemar_p),
                     fmt::format("{}/{}/{}", m.wins, m.ties, m.losses), std::to_string(m.shared)});
    }
    table.write(out);
  }
  for (const MetricComparison& m : s.metrics) {
    if (const std::string line = one_sided_line(m); !line.empty()) {
      out << fmt::format("{}: {}\n", single_line(m.metric), line);
    }
  }
  for (const MetricComparison& m : s.metrics) {
    out << (m.regressed.empty() && m.improved.empty() ? "" : "\n");
    write_cases(out, "most regressed", m, m.regressed);
    write_cases(out, "most improved", m, m.improved);
  }
  out << '\n';
  TextTable costs({{"", Align::left, 0},
                   {"latency p50", Align::right, 0},
                   {"p95", Align::right, 0},
                   {"p99", Align::right, 0},
                   {"tokens p50", Align::right, 0},
                   {"cost", Align::left, 0}});
  for (const auto& [label, st] :
       {std::pair<const char*, const CandidateStats*>{"A", &s.stats_a}, {"B", &s.stats_b}}) {
    costs.add_row({label, fmt::format("{:.0f} ms", st->latency_ms.p50),
                   fmt::format("{:.0f} ms", st->latency_ms.p95), fmt::format("{:.0f} ms", st->latency_ms.p99),
                   fmt::format("{:.0f}", st->total_tokens.p50), cost_text(*st)});
  }
  costs.write(out);
}

// ---- markdown ----------------------------------------------------------------------------

// Model text in a table cell: one line, no pipes, no HTML, no backtick fences breaking out.
std::string md(const std::string& text, std::size_t width = 0)
{
  std::string flat = single_line(text);
  if (width > 0) {
    flat = elide(flat, width);
  }
  std::string out;
  for (char ch : flat) {
    switch (ch) {
    case '|':
      out += "\\|";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '`':
      out += "\\`";
      break;
    case '*':
      out += "\\*";
      break;
    case '_':
      out += "\\_";
      break;
    case '[':
      out += "\\[";
      break;
    case ']':
      out += "\\]";
      break;
    default:
      out += ch;
    }
  }
  return out;
}

void write_md_cases(std::ostream& out, const char* title, const MetricComparison& m,
                    const std::vector<CaseDelta>& cases)
{
  if (cases.empty()) {
    return;
  }
  out << fmt::format(
      "\n**{}** ({})\n\n| case | A → B | A output | B output | B reason |\n|---|---|---|---|---|\n", title,
      md(m.metric));
  for (const CaseDelta& d : cases) {
    out << fmt::format("| {} | {:.3f} → {:.3f} | {} | {} | {} |\n", md(d.case_id), d.a.value, d.b.value,
                       md(d.a.output, k_output_width), md(d.b.output, k_output_width),
                       md(d.b.reason, k_output_width));
  }
}

void write_md_section(std::ostream& out, const RunComparison& c, const ComparisonSection& s)
{
  out << fmt::format("\n### {} → {}\n\nA = `{}` · B = `{}`\n\n", md(s.candidate_a), md(s.candidate_b),
                     side_label(c.run_a, s.candidate_a), side_label(c.run_b, s.candidate_b));
  out << "| metric | A | B | delta | 95% CI | p | McNemar p | W/T/L | shared |\n"
         "|---|--:|--:|--:|---|--:|--:|--:|--:|\n";
  for (const MetricComparison& m : s.metrics) {
    out << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {}/{}/{} | {} |\n", md(m.metric),
                       number(m, m.mean_a), number(m, m.mean_b), number(m, m.delta, "{:+.3f}"), interval(m),
                       p_text(m, m.p_value), p_text(m, m.mcnemar_p), m.wins, m.ties, m.losses, m.shared);
  }
  for (const MetricComparison& m : s.metrics) {
    if (const std::string line = one_sided_line(m); !line.empty()) {
      out << fmt::format("\n{}: {}\n", md(m.metric), md(line));
    }
    write_md_cases(out, "Most regressed", m, m.regressed);
    write_md_cases(out, "Most improved", m, m.improved);
  }
  out << "\n| | latency p50 | p95 | p99 | tokens p50 | cost |\n|---|--:|--:|--:|--:|---|\n";
  for (const auto& [label, st] :
       {std::pair<const char*, const CandidateStats*>{"A", &s.stats_a}, {"B", &s.stats_b}}) {
    out << fmt::format("| {} | {:.0f} ms | {:.0f} ms | {:.0f} ms | {:.0f} | {} |\n", label,
                       st->latency_ms.p50, st->latency_ms.p95, st->latency_ms.p99, st->total_tokens.p50,
                       cost_text(*st));
  }
}

// ---- json --------------------------------------------------------------------------------

using OJson = nlohmann::ordered_json;

OJson case_json(const CaseDelta& d)
{
  return {{"case", d.case_id},      {"a", d.a.value},         {"b", d.b.value},
          {"delta", d.delta},       {"a_output", d.a.output}, {"b_output", d.b.output},
          {"a_reason", d.a.reason}, {"b_reason", d.b.reason}};
}

OJson stats_json(const CandidateStats& s)
{
  const auto pct = [](const Percentiles& p) {
    return OJson{{"n", p.n}, {"p50", p.p50}, {"p95", p.p95}, {"p99", p.p99}};
  };
  return {{"candidate", s.candidate_id},
          {"latency_ms", pct(s.latency_ms)},
          {"total_tokens", pct(s.total_tokens)},
          {"cost_usd", s.known_cost_usd},
          {"cost_unknown_trials", s.cost_unknown}};
}

OJson metric_json(const MetricComparison& m)
{
  OJson regressed = OJson::array();
  for (const CaseDelta& d : m.regressed) {
    regressed.push_back(case_json(d));
  }
  OJson improved = OJson::array();
  for (const CaseDelta& d : m.improved) {
    improved.push_back(case_json(d));
  }
  return {{"metric", m.metric},
          {"shared", m.shared},
          {"mean_a", m.mean_a},
          {"mean_b", m.mean_b},
          {"delta", m.delta},
          {"delta_interval", {m.delta_interval.low, m.delta_interval.high}},
          {"p_value", m.p_value},
          {"pass_rate_a", m.pass_rate_a},
          {"pass_rate_b", m.pass_rate_b},
          {"pass_to_fail", m.pass_to_fail},
          {"fail_to_pass", m.fail_to_pass},
          {"mcnemar_p", m.mcnemar_p},
          {"wins", m.wins},
          {"ties", m.ties},
          {"losses", m.losses},
          {"only_a", m.only_a},
          {"only_b", m.only_b},
          {"most_regressed", std::move(regressed)},
          {"most_improved", std::move(improved)}};
}

} // namespace

void write_compare_table(std::ostream& out, const RunComparison& c)
{
  out << fmt::format("compare {} → {}\n", c.run_a, c.run_b);
  for (const std::string& w : c.warnings) {
    out << "warning: " << w << '\n';
  }
  if (!c.only_a_candidates.empty()) {
    out << fmt::format("candidates only in A: {}\n", listed(c.only_a_candidates));
  }
  if (!c.only_b_candidates.empty()) {
    out << fmt::format("candidates only in B: {}\n", listed(c.only_b_candidates));
  }
  if (c.sections.empty()) {
    out << "no candidate to compare\n";
  }
  for (const ComparisonSection& s : c.sections) {
    out << '\n';
    write_section(out, c, s);
  }
  out << fmt::format("\nintervals: paired bootstrap, {} resamples, seed {}; delta = B − A\n", c.resamples,
                     c.seed);
}

void write_compare_markdown(std::ostream& out, const RunComparison& c)
{
  out << fmt::format("## evalgate compare `{}` → `{}`\n", c.run_a, c.run_b);
  for (const std::string& w : c.warnings) {
    out << "\n> **Warning:** " << md(w) << '\n';
  }
  if (!c.only_a_candidates.empty()) {
    out << fmt::format("\nCandidates only in A: {}\n", md(listed(c.only_a_candidates)));
  }
  if (!c.only_b_candidates.empty()) {
    out << fmt::format("\nCandidates only in B: {}\n", md(listed(c.only_b_candidates)));
  }
  for (const ComparisonSection& s : c.sections) {
    write_md_section(out, c, s);
  }
  out << fmt::format("\n<sub>Paired bootstrap ({} resamples, seed {}); delta = B − A.</sub>\n", c.resamples,
                     c.seed);
}

void write_compare_json(std::ostream& out, const RunComparison& c)
{
  OJson sections = OJson::array();
  for (const ComparisonSection& s : c.sections) {
    OJson metrics = OJson::array();
    for (const MetricComparison& m : s.metrics) {
      metrics.push_back(metric_json(m));
    }
    sections.push_back({{"candidate_a", s.candidate_a},
                        {"candidate_b", s.candidate_b},
                        {"metrics", std::move(metrics)},
                        {"a", stats_json(s.stats_a)},
                        {"b", stats_json(s.stats_b)}});
  }
  const OJson document = {{"run_a", c.run_a},
                          {"run_b", c.run_b},
                          {"seed", c.seed},
                          {"warnings", c.warnings},
                          {"only_a_candidates", c.only_a_candidates},
                          {"only_b_candidates", c.only_b_candidates},
                          {"sections", std::move(sections)}};
  out << document.dump(2, ' ', false, OJson::error_handler_t::replace) << '\n';
}

} // namespace evalgate
