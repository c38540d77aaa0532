#pragma once
// report/text_table: aligned plain-text columns for terminal output. Widths are measured in
// Unicode code points (one column each), so names holding "…" or accented letters still line up;
// invalid UTF-8 bytes count one column each. Internal to report/. May use: core.

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace evalgate::report_detail {

// Columns a string takes on a terminal (code points; East Asian wide characters are not special).
std::size_t display_width(std::string_view text);

// `text` cut to at most `max_width` columns, ending in "…" when something was cut.
// max_width 0 gives "".
std::string elide(std::string_view text, std::size_t max_width);

// One line: control characters (newlines, tabs, ESC, ...) become spaces so a provider's message
// cannot break the layout or inject terminal escapes; invalid UTF-8 bytes become U+FFFD.
std::string single_line(std::string_view text);

enum class Align { left, right };

struct Column {
  std::string header;
  Align align = Align::left;
  std::size_t max_width = 0; // 0 = unbounded; longer cells are elided
};

class TextTable {
public:
  explicit TextTable(std::vector<Column> columns);

  // Cells beyond the column count are ignored; missing cells print empty.
  void add_row(std::vector<std::string> cells);
  std::size_t row_count() const { return m_rows.size(); }

  // Header then rows, columns separated by two spaces, no trailing blanks.
  void write(std::ostream& out, std::string_view indent = "") const;

private:
  std::vector<Column> m_columns;
  std::vector<std::vector<std::string>> m_rows;
};

} // namespace evalgate::report_detail
