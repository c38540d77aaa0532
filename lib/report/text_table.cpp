#include "report/text_table.hpp"

#include <algorithm>

#include "report/markup.hpp"

namespace evalgate::report_detail {

namespace {

bool is_continuation(unsigned char byte)
{
  return (byte & 0xC0U) == 0x80U;
}

// Byte length of the code point starting at text[i]: lead byte plus the continuation bytes that
// actually follow it, so a truncated or stray sequence never swallows the next character.
std::size_t code_point_length(std::string_view text, std::size_t i)
{
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t expected = 1;
  if ((lead & 0xE0U) == 0xC0U) {
    expected = 2;
  } else if ((lead & 0xF0U) == 0xE0U) {
    expected = 3;
  } else if ((lead & 0xF8U) == 0xF0U) {
    expected = 4;
  }
  std::size_t length = 1;
  while (length < expected && i + length < text.size() &&
         is_continuation(static_cast<unsigned char>(text[i + length]))) {
    ++length;
  }
  return length;
}

void pad(std::ostream& out, std::size_t count)
{
  for (std::size_t i = 0; i < count; ++i) {
    out.put(' ');
  }
}

} // namespace

std::size_t display_width(std::string_view text)
{
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); i += code_point_length(text, i)) {
    ++width;
  }
  return width;
}

std::string elide(std::string_view text, std::size_t max_width)
{
  if (display_width(text) <= max_width) {
    return std::string(text);
  }
  if (max_width == 0) {
    return {};
  }
  std::size_t end = 0;
  for (std::size_t kept = 0; kept + 1 < max_width && end < text.size(); ++kept) {
    end += code_point_length(text, end);
  }
  return std::string(text.substr(0, end)) + "…";
}

std::string single_line(std::string_view text)
{
  std::string out = valid_utf8_text(text); // a terminal shows U+FFFD, not mojibake or a broken sequence
  for (char& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20U || byte == 0x7FU) {
      c = ' ';
    }
  }
  return out;
}

TextTable::TextTable(std::vector<Column> columns) : m_columns(std::move(columns)) {}

void TextTable::add_row(std::vector<std::string> cells)
{
  cells.resize(m_columns.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    cells[i] = single_line(cells[i]);
    if (m_columns[i].max_width > 0) {
      cells[i] = elide(cells[i], m_columns[i].max_width);
    }
  }
  m_rows.push_back(std::move(cells));
}

void TextTable::write(std::ostream& out, std::string_view indent) const
{
  std::vector<std::size_t> widths;
  for (const Column& column : m_columns) {
    widths.push_back(display_width(column.header));
  }
  for (const auto& row : m_rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }

  auto write_row = [&](const std::vector<std::string>& cells) {
    out << indent;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::size_t gap = widths[i] - display_width(cells[i]);
      const bool last = i + 1 == cells.size();
      if (i > 0) {
        out << "  ";
      }
      if (m_columns[i].align == Align::right) {
        pad(out, gap);
        out << cells[i];
      } else {
        out << cells[i];
        if (!last) {
          pad(out, gap);
        }
      }
    }
    out << '\n';
  };

  std::vector<std::string> headers;
  for (const Column& column : m_columns) {
    headers.push_back(column.header);
  }
  write_row(headers);
  for (const auto& row : m_rows) {
    write_row(row);
  }
}

} // namespace evalgate::report_detail
