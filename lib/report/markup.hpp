#pragma once
// report/markup: escaping for the text formats that embed model output (XML, HTML, Markdown,
// CSV). Model text is untrusted: everything that reaches a report goes through one of these.
// Internal to report/. May use: core.

#include <string>
#include <string_view>

namespace evalgate::report_detail {

// XML 1.0 character data / attribute value: & < > " ' escaped; characters XML 1.0 forbids
// (C0 controls other than tab/newline/CR, invalid UTF-8 bytes) become U+FFFD.
std::string xml_escape(std::string_view text);

// HTML text and attribute values (double- or single-quoted): & < > " ' escaped; invalid UTF-8
// bytes become U+FFFD.
std::string html_escape(std::string_view text);

// One Markdown table cell: one line, `|` escaped, HTML-significant characters escaped so text
// renders literally on GitHub/GitLab.
std::string markdown_cell(std::string_view text);

// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF. Text cells starting with
// = + - @ (spreadsheet formulas) get a leading apostrophe (OWASP "CSV injection"); invalid UTF-8
// bytes become U+FFFD.
std::string csv_text(std::string_view text);
std::string csv_number(std::string_view text);

// `text` with every invalid UTF-8 byte replaced by U+FFFD and nothing else changed: for plain-text
// outputs (terminal, workflow commands) that must stay valid UTF-8.
std::string valid_utf8_text(std::string_view text);

// `text` cut to at most `max_bytes` bytes on a UTF-8 boundary, with "…" appended when cut.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

} // namespace evalgate::report_detail
