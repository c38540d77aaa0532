// HTML: one self-contained file (inline CSS, one inline script for sorting, inline SVG charts; no
// external assets). Every model-, dataset- or user-supplied text goes through html_escape, so an
// output holding "<script>" or an onerror attribute renders as text.

#include <algorithm>
#include <array>
#include <map>
#include <random>

#include <fmt/format.h>

#include "report/markup.hpp"
#include "report/report.hpp"
#include "report/trial_groups.hpp"
#include "stats/summary.hpp"

namespace evalgate {

namespace {

using report_detail::html_escape;

constexpr std::size_t k_max_output_bytes = 8192;
constexpr int k_bins = 10;

constexpr const char* k_style = R"css(
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1b1f24;max-width:1200px}
h1{font-size:1.4em;margin-bottom:.2em}.muted{color:#57606a}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.warn{color:#9a6700;font-weight:600}
table{border-collapse:collapse;margin:1em 0;width:100%}th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f6f8fa;user-select:none}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:8px;margin:4px 0;max-height:24em;overflow:auto}
details summary{cursor:pointer}.chip{display:inline-block;border-radius:3px;padding:0 5px;margin:1px;font-size:12px}
.chip.ok{background:#dafbe1}.chip.bad{background:#ffebe9}.chip.err{background:#fff8c5}
svg.hist rect{fill:#54aeff}
)css";

// Sorts a table by the clicked header: numbers numerically, anything else as text.
constexpr const char* k_script = R"js(
document.querySelectorAll('table.sortable th').forEach(function(th){th.addEventListener('click',function(){
var table=th.closest('table'),body=table.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th);
var asc=th.dataset.dir!=='asc';th.dataset.dir=asc?'asc':'desc';
var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=a.cells[i].dataset.v||a.cells[i].textContent,y=b.cells[i].dataset.v||b.cells[i].textContent;
var nx=parseFloat(x),ny=parseFloat(y);var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return asc?c:-c;});
rows.forEach(function(r){body.appendChild(r);});});});
)js";

std::string e(const std::string& text) { return html_escape(text); }

std::string histogram_svg(const std::vector<double>& values)
{
  std::array<int, k_bins> bins{};
  for (double v : values) {
    const int bin = std::clamp(static_cast<int>(v * k_bins), 0, k_bins - 1);
    ++bins[static_cast<std::size_t>(bin)];
  }
  const int peak = std::max(1, *std::max_element(bins.begin(), bins.end()));
  std::string svg = "<svg class=\"hist\" width=\"110\" height=\"24\" viewBox=\"0 0 110 24\" role=\"img\">";
  for (int i = 0; i < k_bins; ++i) {
    const int height = bins[static_cast<std::size_t>(i)] * 22 / peak;
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"{}\"><title>{:.1f}–{:.1f}: {}</title></rect>",
                       i * 11, 24 - height, height, i / 10.0, (i + 1) / 10.0, bins[static_cast<std::size_t>(i)]);
  }
  return svg + "</svg>";
}

void write_header(std::ostream& out, const RunData& run)
{
  const std::string suite = run.info.suite_name.empty() ? "evalgate" : run.info.suite_name;
  out << fmt::format("<h1>{}</h1>\n", e(suite));
  std::string verdict = "<span class=\"warn\">not gated</span>";
  if (run.info.verdict == "pass") {
    verdict = "<span class=\"pass\">GATE PASSED</span>";
  } else if (run.info.verdict == "fail") {
    verdict = "<span class=\"fail\">GATE FAILED</span>";
  }
  out << fmt::format("<p>{} · <span class=\"muted\">run {} · {} · started {} · {} of {} trials</span></p>\n", verdict,
                     e(run.info.id), run_status_name(run.info.status), e(run.info.started_at), run.trials.size(),
                     run.info.trial_count);
  if (!run.gate_results.empty()) {
    out << "<ul>\n";
    for (const GateResult& r : run.gate_results) {
      out << fmt::format("<li class=\"{}\">{}</li>\n", r.passed ? "pass" : "fail", e(r.message));
    }
    out << "</ul>\n";
  }
}

void write_summary(std::ostream& out, const RunData& run)
{
  std::map<std::pair<std::string, std::string>, std::vector<double>> values;
  for (const ScoredTrial& t : run.trials) {
    for (const Score& s : t.scores) {
      if (!s.errored()) {
        values[{t.trial.candidate_id, s.metric}].push_back(s.value);
      }
    }
  }
  out << "<h2>Metrics</h2>\n<table class=\"sortable\"><thead><tr><th>candidate</th><th>metric</th><th>mean</th>"
         "<th>pass rate</th><th>n</th><th>errors</th><th>distribution</th></tr></thead><tbody>\n";
  for (const MetricSummary& m : summarize_metrics(run)) {
    out << fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{:.3f}</td><td class=\"num\" data-v=\"{}\">"
                       "{:.1f}%</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                       e(m.candidate_id), e(m.metric), m.mean, m.pass_rate, m.pass_rate * 100.0, m.n, m.errors,
                       histogram_svg(values[{m.candidate_id, m.metric}]));
  }
  out << "</tbody></table>\n";
  out << "<table class=\"sortable\"><thead><tr><th>candidate</th><th>trials</th><th>failed</th>"
         "<th>mean latency ms</th><th>tokens in</th><th>tokens out</th><th>cost USD</th></tr></thead><tbody>\n";
  for (const CandidateSummary& c : summarize_candidates(run)) {
    out << fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.0f}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.4f}</td></tr>\n",
                       e(c.candidate_id), c.trials, c.failed_trials, c.mean_latency_ms, c.prompt_tokens,
                       c.completion_tokens, c.cost_usd);
  }
  out << "</tbody></table>\n";
}

std::string score_chip(const Score& s)
{
  const char* kind = s.errored() ? "err" : (s.pass ? "ok" : "bad");
  const std::string value = s.errored() ? "error" : fmt::format("{:.3f}", s.value);
  return fmt::format("<span class=\"chip {}\">{} {}</span>", kind, e(s.metric), value);
}

void write_trial_detail(std::ostream& out, const ScoredTrial& t)
{
  if (!t.trial.ok()) {
    out << fmt::format("<p class=\"fail\">{}: {}</p>\n", failure_kind_name(t.trial.failure), e(t.trial.error));
    return;
  }
  out << fmt::format("<pre>{}</pre>\n", e(report_detail::truncate_utf8(t.trial.output, k_max_output_bytes)));
  out << "<ul>\n";
  for (const Score& s : t.scores) {
    out << fmt::format("<li>{} {}</li>\n", score_chip(s), e(s.errored() ? s.error : s.reason));
  }
  out << "</ul>\n";
}

void write_cases(std::ostream& out, const RunData& run)
{
  std::map<std::string, const Case*> cases;
  for (const Case& c : run.cases) {
    cases.emplace(c.id, &c);
  }
  out << "<h2>Cases</h2>\n";
  for (const auto& candidate : report_detail::group_trials(run)) {
    out << fmt::format("<h3>{}</h3>\n<table class=\"sortable\"><thead><tr><th>case</th><th>status</th>"
                       "<th>scores</th></tr></thead><tbody>\n",
                       e(candidate.candidate_id));
    for (const auto& group : candidate.cases) {
      const char* status = group.has_error() ? "error" : (group.has_failure() ? "fail" : "pass");
      std::string chips;
      for (const ScoredTrial* t : group.trials) {
        for (const Score& s : t->scores) {
          chips += score_chip(s);
        }
      }
      out << fmt::format("<tr><td><details><summary>{}</summary>\n", e(group.case_id));
      if (auto found = cases.find(group.case_id); found != cases.end()) {
        out << fmt::format("<pre>{}</pre>\n", e(found->second->vars.dump(2, ' ', false, Json::error_handler_t::replace)));
      }
      for (const ScoredTrial* t : group.trials) {
        if (group.trials.size() > 1) {
          out << fmt::format("<p class=\"muted\">repeat {}</p>\n", t->trial.repeat_index);
        }
        write_trial_detail(out, *t);
      }
      out << fmt::format("</details></td><td class=\"{}\">{}</td><td>{}</td></tr>\n",
                         std::string(status) == "pass" ? "pass" : "fail", status, chips);
    }
    out << "</tbody></table>\n";
  }
}

// A fresh nonce per file: the CSP runs only the script carrying it, so even text that somehow
// escaped escaping could not run.
std::string script_nonce()
{
  std::random_device device;
  return fmt::format("{:08x}{:08x}", device(), device());
}

} // namespace

void write_html_report(std::ostream& out, const RunData& run)
{
  const std::string suite = run.info.suite_name.empty() ? "evalgate" : run.info.suite_name;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  const std::string nonce = script_nonce();
  out << fmt::format("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "style-src 'unsafe-inline'; script-src 'nonce-{}'; img-src data:\">\n",
                     nonce);
  out << fmt::format("<title>{} · evalgate run {}</title>\n<style>{}</style></head><body>\n", e(suite), e(run.info.id),
                     k_style);
  write_header(out, run);
  write_summary(out, run);
  write_cases(out, run);
  out << fmt::format("<script nonce=\"{}\">{}</script>\n</body></html>\n", nonce, k_script);
}

} // namespace evalgate
