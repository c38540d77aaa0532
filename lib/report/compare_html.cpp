// `evalgate compare --format html`: one self-contained page with the same content as the
// Markdown form (per candidate pair: metric table with intervals and p-values, one-sided cases,
// most regressed and improved cases with both outputs and reasons, latency and cost). Every run,
// candidate, case and model text goes through html_escape; no script at all.

#include <fmt/format.h>

#include "report/compare_report.hpp"
#include "report/markup.hpp"

namespace evalgate {

namespace {

using report_detail::html_escape;

constexpr std::size_t k_max_output_bytes = 2048;

constexpr const char* k_style = R"css(
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1b1f24;max-width:1200px}
table{border-collapse:collapse;margin:.8em 0}th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}.worse{color:#cf222e}.better{color:#1a7f37}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:6px;margin:2px 0;max-height:16em;overflow:auto}
.muted{color:#57606a}
)css";

std::string e(const std::string& text) { return html_escape(text); }

std::string value_or_dash(const MetricComparison& m, double value, const char* spec)
{
  return m.shared == 0 ? "-" : fmt::format(fmt::runtime(spec), value);
}

std::string p_value(const MetricComparison& m, double p)
{
  return m.shared == 0 ? "-" : (p < 0.001 ? "&lt;0.001" : fmt::format("{:.3f}", p));
}

std::string cost(const CandidateStats& s)
{
  if (s.cost_unknown > 0 && s.cost_unknown == s.ok_trials && s.known_cost_usd == 0) {
    return "unknown";
  }
  return fmt::format("${:.4f}{}", s.known_cost_usd,
                     s.cost_unknown > 0 ? fmt::format(" (+{} trials of unknown cost)", s.cost_unknown) : "");
}

void write_cases(std::ostream& out, const char* title, const std::vector<CaseDelta>& cases)
{
  if (cases.empty()) {
    return;
  }
  out << fmt::format("<h4>{}</h4>\n<table><tr><th>case</th><th>A</th><th>B</th><th>delta</th>"
                     "<th>A output / reason</th><th>B output / reason</th></tr>\n",
                     title);
  for (const CaseDelta& d : cases) {
    out << fmt::format("<tr><td>{}</td><td class=\"num\">{:.3f}</td><td class=\"num\">{:.3f}</td>"
                       "<td class=\"num {}\">{:+.3f}</td><td><pre>{}</pre>{}</td><td><pre>{}</pre>{}</td></tr>\n",
                       e(d.case_id), d.a.value, d.b.value, d.delta < 0 ? "worse" : "better", d.delta,
                       e(report_detail::truncate_utf8(d.a.output, k_max_output_bytes)), e(d.a.reason),
                       e(report_detail::truncate_utf8(d.b.output, k_max_output_bytes)), e(d.b.reason));
  }
  out << "</table>\n";
}

void write_section(std::ostream& out, const RunComparison& c, const ComparisonSection& s)
{
  out << fmt::format("<h2>{} → {}</h2>\n<p class=\"muted\">A = {} @ {} · B = {} @ {}</p>\n", e(s.candidate_a),
                     e(s.candidate_b), e(s.candidate_a), e(c.run_a), e(s.candidate_b), e(c.run_b));
  out << "<table><tr><th>metric</th><th>A</th><th>B</th><th>delta</th><th>95% CI</th><th>p</th>"
         "<th>McNemar p</th><th>W/T/L</th><th>shared</th></tr>\n";
  for (const MetricComparison& m : s.metrics) {
    const std::string ci =
      m.shared == 0 ? "-" : fmt::format("[{:+.3f}, {:+.3f}]", m.delta_interval.low, m.delta_interval.high);
    out << fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num {}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}/{}/{}</td><td class=\"num\">{}</td></tr>\n",
                       e(m.metric), value_or_dash(m, m.mean_a, "{:.3f}"), value_or_dash(m, m.mean_b, "{:.3f}"),
                       m.delta < 0 ? "worse" : "better", value_or_dash(m, m.delta, "{:+.3f}"), ci,
                       p_value(m, m.p_value), p_value(m, m.mcnemar_p), m.wins, m.ties, m.losses, m.shared);
  }
  out << "</table>\n";
  for (const MetricComparison& m : s.metrics) {
    if (!m.only_a.empty() || !m.only_b.empty()) {
      out << fmt::format("<p>{}: {} case(s) only in A, {} only in B</p>\n", e(m.metric), m.only_a.size(),
                         m.only_b.size());
    }
    write_cases(out, fmt::format("Most regressed ({})", e(m.metric)).c_str(), m.regressed);
    write_cases(out, fmt::format("Most improved ({})", e(m.metric)).c_str(), m.improved);
  }
  out << "<table><tr><th></th><th>latency p50</th><th>p95</th><th>p99</th><th>tokens p50</th><th>cost</th></tr>\n";
  for (const auto& [label, st] :
       {std::pair<const char*, const CandidateStats*>{"A", &s.stats_a}, {"B", &s.stats_b}}) {
    out << fmt::format("<tr><td>{}</td><td class=\"num\">{:.0f} ms</td><td class=\"num\">{:.0f} ms</td>"
                       "<td class=\"num\">{:.0f} ms</td><td class=\"num\">{:.0f}</td><td>{}</td></tr>\n",
                       label, st->latency_ms.p50, st->latency_ms.p95, st->latency_ms.p99, st->total_tokens.p50,
                       e(cost(*st)));
  }
  out << "</table>\n";
}

} // namespace

void write_compare_html(std::ostream& out, const RunComparison& c)
{
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  out << fmt::format("<title>evalgate compare {} → {}</title>\n<style>{}</style></head><body>\n", e(c.run_a),
                     e(c.run_b), k_style);
  out << fmt::format("<h1>evalgate compare {} → {}</h1>\n", e(c.run_a), e(c.run_b));
  for (const std::string& w : c.warnings) {
    out << fmt::format("<p class=\"worse\">Warning: {}</p>\n", e(w));
  }
  for (const ComparisonSection& s : c.sections) {
    write_section(out, c, s);
  }
  out << fmt::format("<p class=\"muted\">Paired bootstrap ({} resamples, seed {}); delta = B − A.</p>\n</body></html>\n",
                     c.resamples, c.seed);
}

} // namespace evalgate
