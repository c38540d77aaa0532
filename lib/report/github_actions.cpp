// GitHub Actions workflow commands: one `::error` annotation per failed gate rule, escaped as
// the runner expects (%, CR, LF in the message; also : and , in properties).

#include <algorithm>

#include "report/markup.hpp"
#include "report/report.hpp"

namespace evalgate {

namespace {

std::string escape_data(const std::string& text)
{
  std::string out;
  for (char c : report_detail::valid_utf8_text(text)) {
    switch (c) {
    case '%': out += "%25"; break;
    case '\r': out += "%0D"; break;
    case '\n': out += "%0A"; break;
    default: out += c;
    }
  }
  return out;
}

std::string escape_property(const std::string& text)
{
  std::string out;
  for (char c : escape_data(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

void write_github_annotations(std::ostream& out, const RunData& run)
{
  std::vector<std::string> seen;
  for (const GateResult& r : run.gate_results) {
    if (r.passed || std::find(seen.begin(), seen.end(), r.message) != seen.end()) {
      continue;
    }
    seen.push_back(r.message);
    out << "::error title=" << escape_property("evalgate gate: " + r.metric) << "::" << escape_data(r.message)
        << "\n";
  }
}

} // namespace evalgate
