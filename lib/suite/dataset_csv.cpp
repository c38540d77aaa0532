#include "suite/dataset_formats.hpp"

#include "suite/yaml_node.hpp"

namespace evalgate::suite_detail {

namespace {

// Streams RFC 4180 records one at a time: quoted fields may hold commas, doubled quotes and line
// breaks; CRLF and LF both end a record. Lines with nothing on them are not records.
class CsvRecords {
public:
  CsvRecords(std::istream& in, std::string display) : m_in(in), m_display(std::move(display)) {}

  // Fills `fields` with the next record; false at end of input. `row` is the record's number.
  Result<bool> next(std::vector<std::string>& fields)
  {
    for (;;) {
      fields.clear();
      auto status = read_record(fields);
      if (!status || !*status) {
        return status;
      }
      if (fields.size() == 1 && fields[0].empty() && !m_quoted_field) {
        continue; // an empty line
      }
      ++m_row;
      return true;
    }
  }

  long row() const { return m_row; }

private:
  Result<bool> read_record(std::vector<std::string>& fields)
  {
    std::string field;
    bool in_quotes = false;
    bool after_quote = false;
    bool any = false;
    m_quoted_field = false;
    std::size_t bytes = 0;
    std::streambuf* buf = m_in.rdbuf();
    for (;;) {
      if (++bytes > k_max_row_bytes) {
        return fail(
            ErrorCategory::data,
            std::string("record is longer than ") + k_max_row_text + ", the limit for one dataset row" +
                (in_quotes ? " (a quoted field that is never closed runs to the end of the file)" : ""),
            row_location(m_display, m_row + 1));
      }
      const int c = buf->sbumpc();
      if (c == std::char_traits<char>::eof()) {
        if (in_quotes) {
          return fail(ErrorCategory::data, "unterminated quoted field: a '\"' opens a field that never closes",
                      row_location(m_display, m_row + 1));
        }
        if (!any) {
          return false;
        }
        fields.push_back(std::move(field));
        return true;
      }
      any = true;
      const char ch = static_cast<char>(c);
      if (in_quotes) {
        if (ch == '"') {
          if (buf->sgetc() == '"') {
            buf->sbumpc();
            field += '"';
          } else {
            in_quotes = false;
            after_quote = true;
          }
        } else {
          field += ch;
        }
        continue;
      }
      if (ch == ',') {
        fields.push_back(std::move(field));
        field.clear();
        after_quote = false;
      } else if (ch == '\n' || ch == '\r') {
        if (ch == '\r' && buf->sgetc() == '\n') {
          buf->sbumpc();
        }
        fields.push_back(std::move(field));
        return true;
      } else if (after_quote) {
        return fail(ErrorCategory::data,
                    std::string("unexpected '") + ch + "' after a closing quote in field " +
                      std::to_string(fields.size() + 1) + "; write a quote inside a quoted field as \"\"",
                    row_location(m_display, m_row + 1));
      } else if (ch == '"' && field.empty()) {
        in_quotes = true;
        m_quoted_field = true;
      } else {
        field += ch; // a quote inside an unquoted field is kept as written
      }
    }
  }

  std::istream& m_in;
  std::string m_display;
  long m_row = 0;
  bool m_quoted_field = false;
};

} // namespace

Result<std::size_t> read_csv(std::istream& in, const DatasetSource& source, const CaseSink& sink)
{
  CsvRecords records(in, source.display);
  std::vector<std::string> header;
  auto got = records.next(header);
  if (!got) {
    return fail(got.error());
  }
  if (!*got) {
    return fail(ErrorCategory::data, "no rows: expected a header row and at least one data row",
                file_location(source.display));
  }
  const Location header_at = row_location(source.display, 1);
  if (header[0].rfind("\xEF\xBB\xBF", 0) == 0) {
    header[0].erase(0, 3);
  }
  std::string names;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) {
      return fail(ErrorCategory::data, "column " + std::to_string(i + 1) + " of the header has no name", header_at);
    }
    if (!valid_utf8(header[i])) {
      return fail(ErrorCategory::data, "column " + std::to_string(i + 1) + " of the header is not valid UTF-8",
                  header_at);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (header[j] == header[i]) {
        return fail(ErrorCategory::data,
                    "duplicate column '" + header[i] + "' (columns " + std::to_string(j + 1) + " and " +
                      std::to_string(i + 1) + ")",
                    header_at);
      }
    }
    names += (i == 0 ? "" : ", ") + header[i];
  }

  std::size_t count = 0;
  std::vector<std::string> fields;
  for (;;) {
    got = records.next(fields);
    if (!got) {
      return fail(got.error());
    }
    if (!*got) {
      break;
    }
    const long row = records.row();
    const Location where = row_location(source.display, row);
    if (fields.size() != header.size()) {
      return fail(ErrorCategory::data,
                  "expected " + std::to_string(header.size()) + " fields (" + names + ") but found " +
                    std::to_string(fields.size()),
                  where);
    }
    Json object = Json::object();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (!valid_utf8(fields[i])) {
        return fail(ErrorCategory::data, "field '" + header[i] + "' is not valid UTF-8", where);
      }
      object[header[i]] = std::move(fields[i]);
    }
    auto built = make_case(std::move(object), source, row, where, true);
    if (!built) {
      return fail(built.error());
    }
    if (auto taken = sink(std::move(*built)); !taken) {
      return fail(taken.error());
    }
    ++count;
  }
  if (count == 0) {
    return fail(ErrorCategory::data, "no rows after the header", file_location(source.display));
  }
  return count;
}

} // namespace evalgate::suite_detail
